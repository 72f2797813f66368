// SPDX-License-Identifier: MIT
// The stdio transport: newline-delimited JSON-RPC on stdin/stdout, for MCP clients that start
// the app themselves (`--mcp-stdio`). stdin is read on the main thread through a socket
// notifier; messages are handled on the network thread like any other.
#include "service.h"

#include "../privateaccess.h"
#include "../server_p.h"

#include <QCoreApplication>
#include <QLoggingCategory>
#include <QSocketNotifier>

#include <cerrno>
#include <unistd.h>

Q_DECLARE_LOGGING_CATEGORY(lcMcp)

namespace qradio::mcp {

namespace {

//! Handles one line from stdin on the network thread.
void handleLine(const std::shared_ptr<Service> &service, const QString &sessionId, const QByteArray &line)
{
    auto session = service->session(sessionId);
    if (!session || !session->outlet)
        return;
    const ParsedJson json = ParsedJson::parse(line);
    if (json.kind == ParsedJson::Error) {
        session->outlet->send(errorMessage(QJsonValue(), code::ParseError, json.error));
        return;
    }
    if (json.kind != ParsedJson::Object) {
        session->outlet->send(errorMessage(QJsonValue(), code::InvalidRequest,
                                           QStringLiteral("Invalid Request: one JSON-RPC message (an object) per line")));
        return;
    }
    const Message m = Message::classify(json.object);
    if (m.kind == Message::Invalid) {
        const QJsonValue id = m.id.isString() || m.id.isDouble() ? m.id : QJsonValue();
        session->outlet->send(errorMessage(id, code::InvalidRequest, QStringLiteral("Invalid Request: ") + m.error));
        return;
    }
    Service::Incoming in;
    in.session = session;
    in.peer = QHostAddress::LocalHost;
    if (m.kind == Message::Request)
        in.reply = std::make_shared<OutletReply>(session->outlet);
    service->handle(m, in);
}

//! Reads stdin on the main thread and hands complete lines over.
class StdinReader : public QObject
{
public:
    StdinReader(std::shared_ptr<Service> service, QString sessionId)
        : QObject(QCoreApplication::instance()), m_service(std::move(service)), m_session(std::move(sessionId)),
          m_notifier(STDIN_FILENO, QSocketNotifier::Read, this)
    {
        connect(&m_notifier, &QSocketNotifier::activated, this, [this] { readSome(); });
    }

private:
    void readSome()
    {
        char buffer[65536];
        const ssize_t n = ::read(STDIN_FILENO, buffer, sizeof buffer);
        if (n < 0 && (errno == EINTR || errno == EAGAIN))
            return;
        if (n <= 0) {
            finish();
            return;
        }
        m_pending.append(buffer, n);
        qsizetype end;
        while ((end = m_pending.indexOf('\n')) >= 0) {
            QByteArray line = m_pending.left(end).trimmed();
            m_pending.remove(0, end + 1);
            if (line.isEmpty())
                continue;
            std::weak_ptr<Service> weak = m_service;
            m_service->post([weak, id = m_session, line] {
                if (auto s = weak.lock())
                    handleLine(s, id, line);
            });
        }
    }

    void finish()
    {
        // The client closed stdin: the session is over, and so is the run.
        m_notifier.setEnabled(false);
        qCDebug(lcMcp) << "stdin closed; quitting";
        std::weak_ptr<Service> weak = m_service;
        m_service->post([weak, id = m_session] {
            if (auto s = weak.lock())
                s->closeSession(id);
        });
        QCoreApplication::exit(0);
        deleteLater();
    }

    std::shared_ptr<Service> m_service;
    QString m_session;
    QSocketNotifier m_notifier;
    QByteArray m_pending;
};

} // namespace

bool startStdio(Server &server)
{
    ServerPrivate *d = PrivateAccess::d(server);
    if (!QCoreApplication::instance() || !d->core || !d->mcp) {
        qCWarning(lcMcp) << "MCP over stdio needs a running application and a listening server";
        return false;
    }
    std::shared_ptr<Service> service;
    {
        McpRegistryPrivate *registry = PrivateAccess::d(*d->mcp);
        QMutexLocker lock(&registry->serviceMutex);
        service = registry->service;
    }
    if (!service)
        return false;
    QString sessionId;
    QMetaObject::invokeMethod(d->core, [&] {
        service->ensureHost();
        if (auto session = service->createSession(Session::Transport::Stdio)) {
            session->outlet = std::make_shared<StdioOutlet>();
            sessionId = session->id;
        }
    }, Qt::BlockingQueuedConnection);
    if (sessionId.isEmpty())
        return false;
    new StdinReader(service, sessionId);
    qCDebug(lcMcp) << "speaking MCP on stdin/stdout";
    return true;
}

} // namespace qradio::mcp
