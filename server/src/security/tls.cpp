// SPDX-License-Identifier: MIT
#include "tls.h"

#include <QFile>
#include <QSslKey>
#include <QSslSocket>
#include <QTcpServer>

namespace qradio::security {

namespace {

std::optional<QByteArray> readFile(const QString &path, const char *what, QString *error)
{
    QFile file(path);
    if (!file.exists()) {
        *error = QStringLiteral("The TLS %1 file %2 does not exist.").arg(QLatin1String(what), path);
        return std::nullopt;
    }
    if (!file.open(QIODevice::ReadOnly)) {
        *error = QStringLiteral("Cannot read the TLS %1 file %2: %3").arg(QLatin1String(what), path, file.errorString());
        return std::nullopt;
    }
    return file.readAll();
}

QSslKey readKey(const QByteArray &pem, const QString &password)
{
    // Qt wants the algorithm up front; a PEM file says it only in some of its forms.
    for (const QSsl::KeyAlgorithm algorithm : {QSsl::Rsa, QSsl::Ec, QSsl::Dsa}) {
        QSslKey key(pem, algorithm, QSsl::Pem, QSsl::PrivateKey, password.toUtf8());
        if (!key.isNull())
            return key;
    }
    return {};
}

//! Keeps the descriptor of the one connection it accepts (for the probe below).
class OneAccept : public QTcpServer
{
public:
    qintptr descriptor = -1;

protected:
    void incomingConnection(qintptr accepted) override { descriptor = accepted; }
};

//! Sets up a server-side TLS context with `configuration`, as the first handshake would: the
//! backend checks there that the key belongs to the certificate. It needs a connected socket,
//! so this makes one on loopback. Empty when the context is good, else the backend's reason.
QString contextError(const QSslConfiguration &configuration)
{
    OneAccept listener;
    if (!listener.listen(QHostAddress::LocalHost, 0) && !listener.listen(QHostAddress::LocalHostIPv6, 0))
        return {}; // no loopback to try on: the first handshake will say it instead
    QTcpSocket client;
    client.connectToHost(listener.serverAddress(), listener.serverPort());
    if (!client.waitForConnected(5000) || !listener.waitForNewConnection(5000) || listener.descriptor < 0)
        return {};
    QSslSocket probe;
    if (!probe.setSocketDescriptor(listener.descriptor))
        return {};
    probe.setSslConfiguration(configuration);
    QString reason; // the first error says why; the ones after it only that the context failed
    QObject::connect(&probe, &QAbstractSocket::errorOccurred, &probe, [&reason, &probe](QAbstractSocket::SocketError e) {
        if (reason.isEmpty() && (e == QAbstractSocket::SslInvalidUserDataError || e == QAbstractSocket::SslInternalError))
            reason = probe.errorString().section(QLatin1Char(','), 0, 0);
    });
    probe.startServerEncryption(); // sets up the context at once, before any byte is read
    probe.abort();
    return reason;
}

} // namespace

std::optional<QSslConfiguration> loadServerTls(const QString &certFile, const QString &keyFile,
                                               const QString &password, QString *error)
{
    if (certFile.isEmpty() || keyFile.isEmpty()) {
        *error = QStringLiteral("TLS needs both a certificate file and a key file (--ssl-certfile and --ssl-keyfile).");
        return std::nullopt;
    }
    if (!QSslSocket::supportsSsl()) {
        *error = QStringLiteral("TLS is not available: Qt found no TLS backend (is OpenSSL 3 installed?).");
        return std::nullopt;
    }
    const std::optional<QByteArray> certPem = readFile(certFile, "certificate", error);
    if (!certPem)
        return std::nullopt;
    const QList<QSslCertificate> chain = QSslCertificate::fromData(*certPem, QSsl::Pem);
    if (chain.isEmpty() || chain.first().isNull()) {
        *error = QStringLiteral("The TLS certificate file %1 holds no PEM certificate (-----BEGIN CERTIFICATE-----).")
                     .arg(certFile);
        return std::nullopt;
    }
    const std::optional<QByteArray> keyPem = readFile(keyFile, "key", error);
    if (!keyPem)
        return std::nullopt;
    const QSslKey key = readKey(*keyPem, password);
    if (key.isNull()) {
        const bool encrypted = keyPem->contains("ENCRYPTED");
        if (encrypted && password.isEmpty())
            *error = QStringLiteral("The TLS key file %1 is encrypted: give its password (--ssl-keyfile-password).")
                         .arg(keyFile);
        else if (encrypted)
            *error = QStringLiteral("Cannot decrypt the TLS key file %1: wrong password.").arg(keyFile);
        else
            *error = QStringLiteral("The TLS key file %1 holds no PEM private key (RSA, EC or DSA).").arg(keyFile);
        return std::nullopt;
    }

    QSslConfiguration configuration = QSslConfiguration::defaultConfiguration();
    configuration.setLocalCertificateChain(chain);
    configuration.setPrivateKey(key);
    configuration.setProtocol(QSsl::TlsV1_2OrLater);
    // No client certificates: nothing to verify, so no CA store to load for every connection.
    configuration.setPeerVerifyMode(QSslSocket::VerifyNone);
    configuration.setCaCertificates({});
    if (const QString reason = contextError(configuration); !reason.isEmpty()) {
        *error = QStringLiteral("The TLS key in %1 does not belong to the certificate in %2 (or cannot be used "
                                "with it): %3")
                     .arg(keyFile, certFile, reason);
        return std::nullopt;
    }
    return configuration;
}

} // namespace qradio::security
