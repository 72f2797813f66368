// SPDX-License-Identifier: MIT
#include "router.h"

#include <QRegularExpression>

namespace qradio::http {

Route Router::make(const QByteArray &method, const QString &pattern)
{
    static const QRegularExpression placeholder(QStringLiteral("^(.*)<([A-Za-z_][A-Za-z0-9_]*)(\\.\\.\\.)?>$"));
    Route route;
    route.method = method.toUpper();
    route.pattern = pattern;
    const QStringList parts = pattern.split(QLatin1Char('/'), Qt::SkipEmptyParts);
    for (const QString &part : parts) {
        Route::Segment segment;
        const auto m = placeholder.match(part);
        if (m.hasMatch()) {
            segment.literal = m.captured(1);
            segment.param = m.captured(2);
            segment.rest = m.capturedLength(3) > 0;
        } else {
            segment.literal = part;
        }
        route.segments.append(segment);
    }
    return route;
}

qsizetype Router::addUser(const QByteArray &method, const QString &pattern, std::function<Response(const Request &)> handler)
{
    Route route = make(method, pattern);
    route.user = std::move(handler);
    m_user.append(std::move(route));
    return m_user.size() - 1;
}

void Router::addBuiltin(const QByteArray &method, const QString &pattern, std::function<void(Exchange *)> handler,
                        int flags)
{
    Route route = make(method, pattern);
    route.builtin = std::move(handler);
    route.flags = flags;
    m_builtin.append(std::move(route));
}

bool Router::matchPath(const Route &route, const QString &path, QHash<QString, QString> *params)
{
    // Split by hand so that a rest placeholder keeps the path exactly (double slashes included).
    qsizetype pos = path.startsWith(QLatin1Char('/')) ? 1 : 0;
    for (qsizetype i = 0; i < route.segments.size(); ++i) {
        const Route::Segment &segment = route.segments[i];
        if (segment.rest) {
            const QStringView rest = QStringView(path).sliced(std::min(pos, path.size()));
            if (!rest.startsWith(segment.literal) || rest.size() == segment.literal.size())
                return false;
            params->insert(segment.param, rest.sliced(segment.literal.size()).toString());
            return true;
        }
        if (pos > path.size())
            return false;
        qsizetype end = path.indexOf(QLatin1Char('/'), pos);
        if (end < 0)
            end = path.size();
        const QStringView part = QStringView(path).sliced(pos, end - pos);
        if (segment.param.isEmpty()) {
            if (part != segment.literal)
                return false;
        } else {
            if (!part.startsWith(segment.literal) || part.size() == segment.literal.size())
                return false;
            params->insert(segment.param, part.sliced(segment.literal.size()).toString());
        }
        pos = end + 1;
    }
    // All segments used: the path must be finished (one trailing slash allowed).
    return pos >= path.size();
}

Router::Match Router::match(const QByteArray &method, const QString &path) const
{
    const QByteArray wanted = method == "HEAD" ? QByteArray("GET") : method;
    Match result;
    for (const QList<Route> *routes : {&m_user, &m_builtin}) {
        for (const Route &route : *routes) {
            QHash<QString, QString> params;
            if (!matchPath(route, path, &params))
                continue;
            if (route.method == wanted && !result.route) {
                result.route = &route;
                result.params = std::move(params);
            }
            if (!result.allowed.contains(route.method))
                result.allowed.append(route.method);
        }
    }
    if (result.allowed.contains("GET") && !result.allowed.contains("HEAD"))
        result.allowed.append("HEAD");
    return result;
}

} // namespace qradio::http
