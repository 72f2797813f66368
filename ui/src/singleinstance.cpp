// SPDX-License-Identifier: MIT
#include <qradio/singleinstance.h>

#include <QCryptographicHash>
#include <QLocalServer>
#include <QLocalSocket>
#include <QLoggingCategory>

#include <unistd.h>

Q_LOGGING_CATEGORY(lcInstance, "qradio.desktop.instance", QtInfoMsg)

namespace qradio {

namespace {
constexpr QByteArrayView kActivate = "activate\n";
constexpr int kTimeoutMs = 1000;
}

SingleInstance::SingleInstance(const QString &appId, QObject *parent) : QObject(parent)
{
    // Abstract-namespace sockets vanish with their process, so a crash leaves nothing stale.
    const QByteArray hash = QCryptographicHash::hash(appId.toUtf8(), QCryptographicHash::Sha1).toHex().left(16);
    m_name = QStringLiteral("qradio-%1-%2").arg(QString::number(::getuid()), QString::fromLatin1(hash));
}

SingleInstance::~SingleInstance() = default;

bool SingleInstance::claim()
{
    m_server = std::make_unique<QLocalServer>();
    m_server->setSocketOptions(QLocalServer::AbstractNamespaceOption);
    if (!m_server->listen(m_name)) {
        if (activateRunning())
            return false;
        qCWarning(lcInstance) << "single instance: cannot listen on" << m_name << m_server->errorString();
        return true;    // no way to coordinate; better a second window than none
    }
    connect(m_server.get(), &QLocalServer::newConnection, this, [this] {
        while (QLocalSocket *socket = m_server->nextPendingConnection()) {
            connect(socket, &QLocalSocket::disconnected, socket, &QObject::deleteLater);
            connect(socket, &QLocalSocket::readyRead, this, [this, socket] {
                while (socket->canReadLine()) {
                    if (socket->readLine() == kActivate.toByteArray())
                        Q_EMIT activationRequested();
                }
            });
        }
    });
    return true;
}

bool SingleInstance::activateRunning()
{
    QLocalSocket socket;
    socket.setSocketOptions(QLocalSocket::AbstractNamespaceOption);
    socket.connectToServer(m_name);
    if (!socket.waitForConnected(kTimeoutMs))
        return false;
    socket.write(kActivate.data(), kActivate.size());
    const bool sent = socket.waitForBytesWritten(kTimeoutMs);
    socket.disconnectFromServer();
    return sent;
}

} // namespace qradio
