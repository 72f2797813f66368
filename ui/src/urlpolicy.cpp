// SPDX-License-Identifier: MIT
#include "urlpolicy.h"

#include <QRegularExpression>

namespace qradio::detail {

bool isGradioClientCdnUrl(const QUrl &url)
{
    if (url.scheme() != QLatin1String("https") && url.scheme() != QLatin1String("http"))
        return false;
    // "@gradio/client", an optional "@<version>", then the module files each CDN serves.
    static const QRegularExpression jsdelivr(QStringLiteral(
        R"(^/npm/@gradio/client(@[^/]+)?(/dist/(index|browser)(\.min)?\.js|/\+esm)?/?$)"));
    static const QRegularExpression unpkg(QStringLiteral(
        R"(^/@gradio/client(@[^/]+)?(/dist/(index|browser)(\.min)?\.js)?/?$)"));
    static const QRegularExpression esmsh(QStringLiteral(
        R"(^(/v\d+)?/@gradio/client(@[^/]+)?(/.*)?$)"));
    const QString host = url.host().toLower();
    const QString path = url.path();
    if (host == QLatin1String("cdn.jsdelivr.net") || host == QLatin1String("fastly.jsdelivr.net"))
        return jsdelivr.match(path).hasMatch();
    if (host == QLatin1String("unpkg.com"))
        return unpkg.match(path).hasMatch();
    if (host == QLatin1String("esm.sh"))
        return esmsh.match(path).hasMatch();
    return false;
}

bool sameOrigin(const QUrl &a, const QUrl &b)
{
    const auto defaultPort = [](const QUrl &u) {
        return u.scheme() == QLatin1String("https") ? 443 : u.scheme() == QLatin1String("http") ? 80 : -1;
    };
    return a.scheme() == b.scheme() && a.host().compare(b.host(), Qt::CaseInsensitive) == 0
        && a.port(defaultPort(a)) == b.port(defaultPort(b));
}

bool isAppOrigin(const QUrl &url, const QUrl &appUrl, const QUrl &devUrl)
{
    const QUrl origin = url.scheme() == QLatin1String("blob") ? QUrl(url.path()) : url;
    return sameOrigin(origin, appUrl) || (devUrl.isValid() && !devUrl.host().isEmpty() && sameOrigin(origin, devUrl));
}

bool isExternallyOpenable(const QUrl &url)
{
    const QString s = url.scheme();
    return s == QLatin1String("http") || s == QLatin1String("https") || s == QLatin1String("mailto");
}

bool trustsOwnCertificate(const QUrl &url, const QList<QSslCertificate> &chain, const QUrl &appUrl,
                          const QSslCertificate &own)
{
    return !own.isNull() && url.scheme() == QLatin1String("https") && sameOrigin(url, appUrl) && !chain.isEmpty()
        && chain.constFirst() == own;
}

} // namespace qradio::detail
