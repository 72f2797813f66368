// SPDX-License-Identifier: MIT
#include "config.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace qradio::api {

static QString esc(const QString &s) { return s.toHtmlEscaped(); }

QString buildDocsPage(const QList<std::shared_ptr<const EndpointSpec>> &endpoints, const ServerOptions &options,
                      const QString &root)
{
    const QJsonObject named = buildInfo(endpoints, root, false).value(QLatin1String("named_endpoints")).toObject();
    QString body;
    if (named.isEmpty())
        body += QStringLiteral("<p>This app has no public API endpoints.</p>");
    for (auto it = named.begin(); it != named.end(); ++it) {
        const QJsonObject ep = it.value().toObject();
        body += QStringLiteral("<section><h2><code>%1</code></h2>").arg(esc(it.key()));
        if (!ep.value(QLatin1String("description")).toString().isEmpty())
            body += QStringLiteral("<p>%1</p>").arg(esc(ep.value(QLatin1String("description")).toString()));
        body += QStringLiteral("<table><tr><th>Parameter</th><th>Type</th><th>Default</th><th>Description</th></tr>");
        for (const QJsonValue &pv : ep.value(QLatin1String("parameters")).toArray()) {
            const QJsonObject p = pv.toObject();
            const QJsonObject pt = p.value(QLatin1String("python_type")).toObject();
            body += QStringLiteral("<tr><td><code>%1</code></td><td><code>%2</code></td><td>%3</td><td>%4</td></tr>")
                        .arg(esc(p.value(QLatin1String("parameter_name")).toString()),
                             esc(pt.value(QLatin1String("type")).toString()),
                             p.value(QLatin1String("parameter_has_default")).toBool()
                                 ? QStringLiteral("<code>%1</code>")
                                       .arg(esc(QString::fromUtf8(QJsonDocument(QJsonArray{p.value(QLatin1String("parameter_default"))})
                                                                      .toJson(QJsonDocument::Compact))
                                                    .mid(1)
                                                    .chopped(1)))
                                 : QStringLiteral("required"),
                             esc(pt.value(QLatin1String("description")).toString()));
        }
        body += QStringLiteral("</table><p>Returns: ");
        QStringList returns;
        for (const QJsonValue &rv : ep.value(QLatin1String("returns")).toArray())
            returns.append(QStringLiteral("<code>%1</code>")
                               .arg(esc(rv.toObject().value(QLatin1String("python_type")).toObject().value(QLatin1String("type")).toString())));
        body += returns.isEmpty() ? QStringLiteral("nothing") : returns.join(QStringLiteral(", "));
        body += QStringLiteral("</p>");
        const QJsonObject snippets = ep.value(QLatin1String("code_snippets")).toObject();
        for (const auto &[key, label] : {std::pair{"python", "Python client"}, std::pair{"javascript", "JavaScript client"},
                                         std::pair{"bash", "cURL"}}) {
            body += QStringLiteral("<h3>%1</h3><pre><code>%2</code></pre>")
                        .arg(QLatin1String(label), esc(snippets.value(QLatin1String(key)).toString()));
        }
        body += QStringLiteral("</section>");
    }
    return QStringLiteral(
               "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">"
               "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
               "<title>%1 · Use via API</title><style>"
               "body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#1f2937}"
               "h1{font-size:1.6rem}h2{border-top:1px solid #e5e7eb;padding-top:1rem}"
               "table{border-collapse:collapse;margin:.5rem 0}td,th{border:1px solid #e5e7eb;padding:.3rem .6rem;text-align:left}"
               "pre{background:#f3f4f6;padding:.8rem;overflow:auto;border-radius:6px}"
               "</style></head><body><h1>%1 — Use via API</h1>"
               "<p>Base URL: <code>%2</code>. Every endpoint below can be called with the Gradio Python "
               "and JavaScript clients, or with plain HTTP.</p>%3</body></html>")
        .arg(esc(options.title), esc(root), body);
}

} // namespace qradio::api
