// SPDX-License-Identifier: MIT
#include "landing.h"

#include "../api/config.h"

#include <QCoreApplication>
#include <QJsonDocument>

namespace qradio::mcp {

QString configName(const QString &title)
{
    QString name;
    for (const QChar c : title.toLower())
        name += c.isLetterOrNumber() && c.unicode() < 128 ? c : QLatin1Char('-');
    while (name.contains(QLatin1String("--")))
        name.replace(QLatin1String("--"), QLatin1String("-"));
    name = name.mid(name.startsWith(QLatin1Char('-')) ? 1 : 0);
    if (name.endsWith(QLatin1Char('-')))
        name.chop(1);
    return name.isEmpty() ? QStringLiteral("qradio") : name;
}

static QString pretty(const QJsonObject &o)
{
    return QString::fromUtf8(QJsonDocument(o).toJson(QJsonDocument::Indented)).trimmed();
}

static QString block(const QString &heading, const QString &note, const QString &code)
{
    return QStringLiteral("<h3>%1</h3><p>%2</p><pre>%3</pre>").arg(heading, note, code.toHtmlEscaped());
}

static QString entries(const QString &heading, const QList<QPair<QString, QString>> &items)
{
    if (items.isEmpty())
        return {};
    QString html = QStringLiteral("<h2>%1</h2><ul>").arg(heading);
    for (const auto &[name, description] : items)
        html += QStringLiteral("<li><code>%1</code> — %2</li>").arg(name.toHtmlEscaped(), description.toHtmlEscaped());
    return html + QStringLiteral("</ul>");
}

QString landingPage(const Catalog &catalog, const Request &request, const ServerOptions &options)
{
    QString root = api::computeRoot(request, request.path, options.rootPath);
    while (root.endsWith(QLatin1Char('/')))
        root.chop(1);
    const QString url = root + QStringLiteral("/gradio_api/mcp/");
    const QString name = configName(options.title);
    const QString program = QCoreApplication::instance() ? QCoreApplication::applicationFilePath() : QString();

    QString html = QStringLiteral("<!doctype html><html><head><meta charset=\"utf-8\"><title>%1 — MCP server</title><style>"
                                  "body{font:15px/1.5 system-ui,sans-serif;max-width:52rem;margin:2rem auto;padding:0 1rem;color:#222}"
                                  "pre{background:#f4f4f5;padding:.8rem;border-radius:6px;overflow:auto}"
                                  "code{background:#f4f4f5;padding:0 .25rem;border-radius:4px}</style></head><body>")
                       .arg(options.title.toHtmlEscaped());
    html += QStringLiteral("<h1>%1 — MCP server</h1><p>Streamable HTTP endpoint: <code>%2</code><br>Legacy SSE endpoint: "
                           "<code>%2sse</code></p>")
                .arg(options.title.toHtmlEscaped(), url.toHtmlEscaped());
    html += QStringLiteral("<h2>Connect a client</h2>");
    html += block(QStringLiteral("By URL"), QStringLiteral("Cursor, VS Code, Windsurf, Cline and other clients that speak streamable HTTP:"),
                  pretty({{QStringLiteral("mcpServers"), QJsonObject{{name, QJsonObject{{QStringLiteral("url"), url}}}}}}));
    html += block(QStringLiteral("Claude Code"), QStringLiteral("From a terminal:"),
                  QStringLiteral("claude mcp add --transport http %1 %2").arg(name, url));
    html += block(QStringLiteral("Through mcp-remote"),
                  QStringLiteral("Claude Desktop and other clients that only launch commands (needs Node.js):"),
                  pretty({{QStringLiteral("mcpServers"),
                           QJsonObject{{name, QJsonObject{{QStringLiteral("command"), QStringLiteral("npx")},
                                                          {QStringLiteral("args"), QJsonArray{QStringLiteral("mcp-remote"), url}}}}}}}));
    if (!program.isEmpty())
        html += block(QStringLiteral("Over stdio"),
                      QStringLiteral("The client starts the app itself, without a window, and speaks MCP on its stdin and stdout:"),
                      pretty({{QStringLiteral("mcpServers"),
                               QJsonObject{{name, QJsonObject{{QStringLiteral("command"), program},
                                                              {QStringLiteral("args"), QJsonArray{QStringLiteral("--mcp-stdio")}}}}}}}));

    QList<QPair<QString, QString>> tools, resources, prompts;
    for (const ToolEntry &t : catalog.tools())
        tools.append({t.name, t.listing.value(QLatin1String("description")).toString()});
    for (const QList<ResourceEntry> *list : {&catalog.resources(), &catalog.templates()})
        for (const ResourceEntry &r : *list)
            resources.append({r.meta->uri, r.endpoint->description});
    for (const PromptEntry &p : catalog.prompts())
        prompts.append({p.name, p.listing.value(QLatin1String("description")).toString()});
    html += entries(QStringLiteral("Tools"), tools);
    html += entries(QStringLiteral("Resources"), resources);
    html += entries(QStringLiteral("Prompts"), prompts);
    html += QStringLiteral("<p>Schemas as JSON: <a href=\"%1schema\">%1schema</a></p></body></html>").arg(url.toHtmlEscaped());
    return html;
}

} // namespace qradio::mcp
