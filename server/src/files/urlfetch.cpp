// SPDX-License-Identifier: MIT
#include "urlfetch.h"

#include "filename.h"
#include "filestore.h"

#include <QDir>
#include <QFile>
#include <QHostInfo>
#include <QNetworkAccessManager>
#include <QNetworkProxy>
#include <QNetworkReply>
#include <QPointer>
#include <QTimer>

namespace qradio::files {

static constexpr int kMaxRedirects = 5;

//! One call's URL files, fetched one after another.
class Download : public QObject
{
public:
    Download(UrlFetcher *fetcher, QList<RemoteFile> files, UrlFetcher::Done done)
        : QObject(fetcher), m_fetcher(fetcher), m_files(std::move(files)), m_done(std::move(done))
    {
        m_deadline.setSingleShot(true);
        connect(&m_deadline, &QTimer::timeout, this, [this] {
            fail(QStringLiteral("it took longer than %1 s").arg(m_fetcher->m_timeout.count() / 1000.0));
        });
        QTimer::singleShot(0, this, &Download::next);
    }
    ~Download() override
    {
        stopTransfer();
        if (!m_finished)
            discard();
    }

private:
    void next()
    {
        if (m_index == m_files.size()) {
            m_finished = true;
            m_deadline.stop();
            m_done(m_fetched, {}, {});
            return;
        }
        const RemoteFile &file = m_files.at(m_index);
        m_redirects = 0;
        m_deadline.start(m_fetcher->m_timeout);
        begin(QUrl(file.url, QUrl::StrictMode));
    }

    //! Checks `url`, then the addresses its host stands for.
    void begin(const QUrl &url)
    {
        m_url = url;
        const QString scheme = url.scheme();
        if (!url.isValid() || (scheme != QLatin1String("http") && scheme != QLatin1String("https")) || url.host().isEmpty())
            return fail(QStringLiteral("only http and https URLs with a host are fetched"));
        if (!url.userInfo().isEmpty())
            return fail(QStringLiteral("URLs carrying a user name or password are not fetched"));
        if (QHostAddress literal; literal.setAddress(url.host()))
            return connectTo({literal});
        m_lookup = new QObject(this); // dropping it drops a lookup's late answer
        QHostInfo::lookupHost(url.host(), m_lookup, [this](const QHostInfo &info) {
            if (info.error() != QHostInfo::NoError || info.addresses().isEmpty())
                return fail(QStringLiteral("its host name does not resolve (%1)").arg(info.errorString()));
            connectTo(info.addresses());
        });
    }

    //! Every address must be allowed (a name must not mix a public address with an inner
    //! one); the request goes to the first, named by address so that nothing resolves it again.
    void connectTo(const QList<QHostAddress> &addresses)
    {
        for (const QHostAddress &a : addresses)
            if (!m_fetcher->m_policy.allows(a))
                return fail(QStringLiteral("%1 is not a public address (ServerOptions::fileUrlNetworks, "
                                           "--file-url-network admit inner networks)")
                                .arg(a.toString()));
        QUrl pinned = m_url;
        pinned.setHost(addresses.first().toString());
        QNetworkRequest request(pinned);
        QByteArray host = m_url.host(QUrl::FullyEncoded).toUtf8();
        if (host.contains(':'))
            host = '[' + host + ']';
        if (m_url.port() != -1)
            host += ':' + QByteArray::number(m_url.port());
        request.setRawHeader("Host", host);
        request.setPeerVerifyName(m_url.host()); // certificate and SNI name the host, not the address
        request.setHeader(QNetworkRequest::UserAgentHeader, QByteArrayLiteral("Qradio"));
        request.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::ManualRedirectPolicy);
        request.setAttribute(QNetworkRequest::Http2AllowedAttribute, false); // the Host header above is HTTP/1's
        request.setAttribute(QNetworkRequest::CookieLoadControlAttribute, QNetworkRequest::Manual);
        request.setAttribute(QNetworkRequest::CookieSaveControlAttribute, QNetworkRequest::Manual);
        request.setAttribute(QNetworkRequest::CacheSaveControlAttribute, false);
        request.setAttribute(QNetworkRequest::CacheLoadControlAttribute, QNetworkRequest::AlwaysNetwork);
        request.setTransferTimeout(int(m_fetcher->m_stallTimeout.count()));
        m_reply = m_fetcher->m_network->get(request);
        connect(m_reply, &QNetworkReply::metaDataChanged, this, &Download::headers);
        connect(m_reply, &QNetworkReply::readyRead, this, &Download::read);
        connect(m_reply, &QNetworkReply::finished, this, &Download::finished);
    }

    int status() const { return m_reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(); }

    void headers()
    {
        if (status() / 100 != 2)
            return;
        const QVariant length = m_reply->header(QNetworkRequest::ContentLengthHeader);
        if (length.isValid() && m_fetcher->m_maxSize >= 0 && length.toLongLong() > m_fetcher->m_maxSize)
            return tooLarge();
        if (m_file.isOpen())
            return;
        const QString folder = m_fetcher->m_store.uploadDir() + QLatin1Char('/') + uniqueFolderName();
        QString name = QUrl(m_files.at(m_index).url).fileName();
        m_file.setFileName(folder + QLatin1Char('/') + sanitizeFileName(name.isEmpty() ? QStringLiteral("file") : name));
        if (!QDir().mkdir(folder) || !m_file.open(QIODevice::WriteOnly | QIODevice::NewOnly))
            return fail(QStringLiteral("the server cannot store it (%1)").arg(m_file.errorString()));
        m_written = 0;
    }

    void read()
    {
        const QByteArray data = m_reply->readAll(); // the reply would buffer what is left
        if (!m_file.isOpen())
            return; // a redirect's or an error's body
        m_written += data.size();
        if (m_fetcher->m_maxSize >= 0 && m_written > m_fetcher->m_maxSize)
            return tooLarge();
        if (m_file.write(data) != data.size())
            return fail(QStringLiteral("the server cannot store it (%1)").arg(m_file.errorString()));
    }

    void finished()
    {
        const int code = status();
        if (code / 100 == 3 && m_reply->hasRawHeader("Location")) {
            const QUrl target = m_url.resolved(QUrl::fromEncoded(m_reply->rawHeader("Location")));
            stopTransfer();
            if (++m_redirects > kMaxRedirects)
                return fail(QStringLiteral("it redirects more than %1 times").arg(kMaxRedirects));
            return begin(target); // checked again, from its scheme to its addresses
        }
        // Our own aborts disconnect first: a cancelled transfer is the stall timeout's.
        if (m_reply->error() == QNetworkReply::OperationCanceledError || m_reply->error() == QNetworkReply::TimeoutError)
            return fail(QStringLiteral("no data came for %1 s").arg(m_fetcher->m_stallTimeout.count() / 1000.0));
        if (code / 100 != 2)
            return fail(code == 0 ? m_reply->errorString() : QStringLiteral("the server answered %1").arg(code));
        if (m_reply->error() != QNetworkReply::NoError)
            return fail(m_reply->errorString()); // cut short: the file is incomplete
        read();
        if (!m_file.isOpen())
            return;
        m_file.close();
        m_fetched.insert(m_files.at(m_index).url, m_file.fileName());
        stopTransfer();
        ++m_index;
        next();
    }

    void tooLarge()
    {
        fail(QStringLiteral("it is larger than the %1 bytes a file may have").arg(m_fetcher->m_maxSize));
    }

    void stopTransfer()
    {
        if (m_lookup) // later: this may run inside the lookup's own answer
            std::exchange(m_lookup, nullptr)->deleteLater();
        if (m_reply) {
            m_reply->disconnect(this);
            m_reply->abort();
            m_reply->deleteLater();
            m_reply = nullptr;
        }
        if (m_file.isOpen())
            m_file.close();
    }

    void fail(const QString &why)
    {
        if (m_finished)
            return;
        m_finished = true;
        m_deadline.stop();
        stopTransfer();
        discard();
        const RemoteFile &file = m_files.at(m_index);
        m_done({}, file.parameter,
               QStringLiteral("Parameter '%1': cannot fetch %2: %3.").arg(file.parameter, file.url.left(200), why));
    }

    //! Removes what was written: the fetched files and the one in progress, each a folder of its own.
    void discard()
    {
        QStringList paths = m_fetched.values();
        if (!m_file.fileName().isEmpty())
            paths.append(m_file.fileName());
        for (const QString &path : std::as_const(paths))
            QDir(QFileInfo(path).path()).removeRecursively();
        m_fetched.clear();
    }

    UrlFetcher *m_fetcher;
    QList<RemoteFile> m_files;
    UrlFetcher::Done m_done;
    qsizetype m_index = 0;
    QHash<QString, QString> m_fetched;
    bool m_finished = false;
    QUrl m_url;
    int m_redirects = 0;
    QObject *m_lookup = nullptr;
    QPointer<QNetworkReply> m_reply; //!< the manager deletes its replies when it goes
    QFile m_file;
    qint64 m_written = 0;
    QTimer m_deadline;
};

UrlFetcher::UrlFetcher(const ServerOptions &options, const FileStore &store, AddressPolicy policy)
    : m_store(store), m_policy(std::move(policy)), m_perCall(std::max(0, options.fileUrlsPerCall)),
      m_maxSize(options.maxFileSize >= 0 ? options.maxFileSize : options.maxUploadSize),
      m_stallTimeout(options.fileUrlStallTimeout), m_timeout(options.fileUrlTimeout),
      m_network(new QNetworkAccessManager(this))
{
    m_network->setProxy(QNetworkProxy::NoProxy); // a proxy would resolve and connect on its own
}

UrlFetcher::~UrlFetcher()
{
    // The downloads go before the manager and its replies (Download has no meta-object, so
    // findChildren<Download *> would not tell them apart from the manager).
    const QObjectList children = this->children();
    for (QObject *child : children)
        if (child != m_network)
            delete child;
}

std::unique_ptr<UrlFetcher> UrlFetcher::create(const ServerOptions &options, const FileStore &store, QString *error)
{
    QString why;
    std::optional<AddressPolicy> policy = AddressPolicy::parse(options.fileUrlNetworks, &why);
    if (!policy) {
        *error = QStringLiteral("fileUrlNetworks: ") + why;
        return nullptr;
    }
    return std::unique_ptr<UrlFetcher>(new UrlFetcher(options, store, std::move(*policy)));
}

QObject *UrlFetcher::fetch(const QList<RemoteFile> &files, Done done)
{
    return new Download(this, files, std::move(done));
}

} // namespace qradio::files
