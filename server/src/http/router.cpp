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
    rankCatchAll(m_user.size() - 1);
    return m_user.size() - 1;
}

void Router::rankCatchAll(qsizetype index)
{
    const auto literals = [this](qsizetype i) {
        const Route &r = m_user[i];
        return r.mount ? r.segments.size() : r.segments.size() - 1;
    };
    if (!m_user[index].catchAll())
        return;
    qsizetype at = 0;
    while (at < m_catchAlls.size() && literals(m_catchAlls[at]) >= literals(index))
        ++at;
    m_catchAlls.insert(at, index);
}

qsizetype Router::addMount(const QString &prefix)
{
    QString clean = QLatin1Char('/') + prefix.split(QLatin1Char('/'), Qt::SkipEmptyParts).join(QLatin1Char('/'));
    Route route = make("GET", clean);
    route.mount = true;
    route.flags = Inline;
    m_user.append(std::move(route));
    rankCatchAll(m_user.size() - 1);
    return m_user.size() - 1;
}

void Router::clearBuiltins()
{
    m_builtin.clear();
    for (Route &route : m_user) {
        if (route.mount)
            route.builtin = {}; // it held the stopped server's context
    }
}

void Router::addBuiltin(const QByteArray &method, const QString &pattern, std::function<void(Exchange *)> handler,
                        int flags)
{
    Route route = make(method, pattern);
    route.builtin = std::move(handler);
    route.flags = flags;
    m_builtin.append(std::move(route));
}

bool Router::isMountRoot(const Route &route, const QString &path)
{
    const QStringView prefix = route.pattern == u"/" ? QStringView() : QStringView(route.pattern);
    return route.mount && path.startsWith(prefix) && (path.size() == prefix.size() || path.sliced(prefix.size()) == u"/");
}

QString Router::samplePath(const Route &route)
{
    QString path;
    for (const Route::Segment &segment : route.segments)
        path += QLatin1Char('/') + segment.literal + (segment.param.isEmpty() ? QString() : QStringLiteral("x"));
    return path.isEmpty() ? QStringLiteral("/") : path;
}

bool Router::matchPath(const Route &route, const QString &path, QHash<QString, QString> *params)
{
    if (route.mount) {
        const QString below = route.pattern == u"/" ? QStringLiteral("/") : route.pattern + QLatin1Char('/');
        if (isMountRoot(route, path)) {
            params->insert(QStringLiteral("path"), QString());
            return true;
        }
        if (!path.startsWith(below))
            return false;
        params->insert(QStringLiteral("path"), path.sliced(below.size()));
        return true;
    }
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
    // 0: user routes but catch-alls (and a mount's prefix itself), 2: catch-alls; built-ins between.
    const auto tierOf = [&path](const Route &route) {
        if (route.mount)
            return isMountRoot(route, path) ? 0 : 2;
        return route.catchAll() ? 2 : 0;
    };
    Match result;
    const auto consider = [&](const Route &route) {
        QHash<QString, QString> params;
        if (!matchPath(route, path, &params))
            return;
        if (route.method == wanted && !result.route) {
            result.route = &route;
            result.params = std::move(params);
        }
        if (!result.allowed.contains(route.method))
            result.allowed.append(route.method);
    };
    for (const Route &route : m_user) {
        if (tierOf(route) == 0)
            consider(route);
    }
    for (const Route &route : m_builtin)
        consider(route);
    for (const qsizetype index : m_catchAlls) {
        if (tierOf(m_user[index]) == 2)
            consider(m_user[index]);
    }
    if (result.allowed.contains("GET") && !result.allowed.contains("HEAD"))
        result.allowed.append("HEAD");
    return result;
}

QList<QPair<const Route *, const Route *>> Router::shadowedBuiltins() const
{
    QList<QPair<const Route *, const Route *>> out;
    for (const Route &user : m_user) {
        if (user.catchAll() && !user.mount)
            continue; // tried after the built-ins
        const QString userSample = samplePath(user);
        for (const Route &builtin : m_builtin) {
            if (builtin.method != user.method || builtin.pattern == u"/")
                continue; // replacing the built-in page at `/` is what a user `GET /` is for
            QHash<QString, QString> ignored;
            const QString builtinSample = samplePath(builtin);
            const bool hides = user.mount ? isMountRoot(user, builtinSample) || matchPath(builtin, user.pattern, &ignored)
                                          : matchPath(user, builtinSample, &ignored) || matchPath(builtin, userSample, &ignored);
            if (hides)
                out.append(qMakePair(&user, &builtin));
        }
    }
    return out;
}

QStringList Router::numberRoutes()
{
    QStringList labels;
    QHash<QString, int> ids;
    for (QList<Route> *routes : {&m_user, &m_builtin}) {
        for (Route &route : *routes) {
            auto it = ids.constFind(route.pattern);
            if (it == ids.cend()) {
                it = ids.insert(route.pattern, int(labels.size()));
                labels.append(route.pattern);
            }
            route.id = *it;
        }
    }
    return labels;
}

} // namespace qradio::http
