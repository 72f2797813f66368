// SPDX-License-Identifier: MIT
#include "config.h"

#include "arguments.h"
#include "../queue/json.h"

#include <QJsonArray>
#include <QRegularExpression>

namespace qradio::api {

//! A value to show in snippets: the default, else one that fits the schema.
static QJsonValue exampleFor(const Param &param, const QJsonObject &schema)
{
    if (param.hasDefault())
        return param.defaultValue;
    if (schema.contains(QLatin1String("enum")))
        return schema.value(QLatin1String("enum")).toArray().first();
    const QString type = schema.value(QLatin1String("type")).toString();
    if (type == QLatin1String("integer"))
        return 3;
    if (type == QLatin1String("number"))
        return 3.0;
    if (type == QLatin1String("string"))
        return QStringLiteral("Hello!!");
    if (type == QLatin1String("boolean"))
        return true;
    if (type == QLatin1String("array"))
        return QJsonArray();
    if (type == QLatin1String("object"))
        return QJsonObject();
    return QJsonValue();
}

//! Python literal of a JSON value (True/False/None), for the Python client snippet.
static QString pythonLiteral(const QJsonValue &v)
{
    if (v.isBool())
        return v.toBool() ? QStringLiteral("True") : QStringLiteral("False");
    if (v.isNull() || v.isUndefined())
        return QStringLiteral("None");
    if (v.isArray()) {
        QStringList items;
        for (const QJsonValue &item : v.toArray())
            items.append(pythonLiteral(item));
        return QLatin1Char('[') + items.join(QStringLiteral(", ")) + QLatin1Char(']');
    }
    if (v.isObject()) {
        QStringList items;
        const QJsonObject o = v.toObject();
        for (auto it = o.begin(); it != o.end(); ++it)
            items.append(QString::fromUtf8(json::python(it.key())) + QStringLiteral(": ") + pythonLiteral(it.value()));
        return QLatin1Char('{') + items.join(QStringLiteral(", ")) + QLatin1Char('}');
    }
    return QString::fromUtf8(json::python(v));
}

//! A file the snippets pass to a file parameter, by URL (a file argument named by URL is
//! downloaded by the server, as Gradio does; Gradio's own snippets use this file).
static const char kExampleFileUrl[] = "https://github.com/gradio-app/gradio/raw/main/test/test_files/bus.png";

//! `s` inside single quotes for a POSIX shell: each `'` closes the quote, adds `\'` and reopens it.
static QString shellSingleQuoted(const QString &s)
{
    return QLatin1Char('\'') + QString(s).replace(QLatin1Char('\''), QStringLiteral("'\\''")) + QLatin1Char('\'');
}

static bool isIdentifier(const QString &name)
{
    static const QRegularExpression identifier(QStringLiteral("^[A-Za-z_][A-Za-z0-9_]*$"));
    return identifier.match(name).hasMatch();
}

static bool isPythonKeyword(const QString &name)
{
    static const QStringList keywords{
        QStringLiteral("False"),  QStringLiteral("None"),   QStringLiteral("True"),    QStringLiteral("and"),
        QStringLiteral("as"),     QStringLiteral("assert"), QStringLiteral("async"),   QStringLiteral("await"),
        QStringLiteral("break"),  QStringLiteral("class"),  QStringLiteral("continue"), QStringLiteral("def"),
        QStringLiteral("del"),    QStringLiteral("elif"),   QStringLiteral("else"),    QStringLiteral("except"),
        QStringLiteral("finally"), QStringLiteral("for"),   QStringLiteral("from"),    QStringLiteral("global"),
        QStringLiteral("if"),     QStringLiteral("import"), QStringLiteral("in"),      QStringLiteral("is"),
        QStringLiteral("lambda"), QStringLiteral("nonlocal"), QStringLiteral("not"),   QStringLiteral("or"),
        QStringLiteral("pass"),   QStringLiteral("raise"),  QStringLiteral("return"),  QStringLiteral("try"),
        QStringLiteral("while"),  QStringLiteral("with"),   QStringLiteral("yield")};
    return keywords.contains(name);
}

//! The snippets of the "Use via API" page and /info's code_snippets. Each must run as pasted:
//! the bash one in bash (not only zsh, where Gradio's `| read EVENT_ID` happens to work), names
//! that are not identifiers are quoted or passed by position, and file parameters get a file.
static QJsonObject snippets(const EndpointSpec &ep, const QString &root)
{
    QJsonArray data;
    QStringList pyArgs;
    QStringList jsArgs;
    bool files = false;
    bool pythonKeywords = true;
    for (qsizetype i = 0; i < ep.params.size(); ++i) {
        const QJsonObject schema = parameterSchema(ep, i);
        const QString &name = ep.params[i].name;
        if (!isIdentifier(name) || isPythonKeyword(name))
            pythonKeywords = false;
        const QString jsKey = isIdentifier(name) ? name : QString::fromUtf8(json::compact(name));
        if (isFileSchema(schema) && !ep.params[i].hasDefault()) {
            files = true;
            const QString url = QString::fromLatin1(kExampleFileUrl);
            data.append(QJsonObject{{QStringLiteral("path"), url},
                                    {QStringLiteral("meta"), QJsonObject{{QStringLiteral("_type"), QStringLiteral("gradio.FileData")}}}});
            pyArgs.append(QStringLiteral("handle_file(%1)").arg(QString::fromUtf8(json::python(url))));
            jsArgs.append(QStringLiteral("%1: handle_file(%2)").arg(jsKey, QString::fromUtf8(json::compact(url))));
            continue;
        }
        const QJsonValue example = exampleFor(ep.params[i], schema);
        data.append(example);
        pyArgs.append(pythonLiteral(example));
        jsArgs.append(QStringLiteral("%1: %2").arg(jsKey, QString::fromUtf8(json::compact(example))));
    }
    if (pythonKeywords) {
        for (qsizetype i = 0; i < pyArgs.size(); ++i)
            pyArgs[i] = ep.params[i].name + QLatin1Char('=') + pyArgs[i];
    }

    QString py = QStringLiteral("from gradio_client import Client%1\n\nclient = Client(\"%2/\")\nresult = client.predict(\n")
                     .arg(files ? QStringLiteral(", handle_file") : QString(), root);
    for (const QString &arg : std::as_const(pyArgs))
        py += QStringLiteral("    %1,\n").arg(arg);
    py += QStringLiteral("    api_name=\"/%1\",\n)\nprint(result)").arg(ep.name);

    QString js = QStringLiteral("import { Client%1 } from \"@gradio/client\";\n\nconst client = await Client.connect(\"%2/\");\n"
                                "const result = await client.predict(\"/%3\", {")
                     .arg(files ? QStringLiteral(", handle_file") : QString(), root, ep.name);
    for (const QString &arg : std::as_const(jsArgs))
        js += QStringLiteral("\n    %1,").arg(arg);
    js += jsArgs.isEmpty() ? QStringLiteral("});\n\nconsole.log(result.data);") : QStringLiteral("\n});\n\nconsole.log(result.data);");

    // The POST answers {"event_id": "..."}; the GET streams the call's events (SSE) until it ends.
    const QString url = QStringLiteral("%1/gradio_api/call/%2").arg(root, ep.name);
    const QString bash =
        QStringLiteral("EVENT_ID=$(curl -s -X POST %1 -H \"Content-Type: application/json\" -d %2 \\\n"
                       "  | awk -F'\"' '{ print $4 }')\ncurl -N %1/$EVENT_ID")
            .arg(url, shellSingleQuoted(QStringLiteral("{\n  \"data\": %1\n}").arg(QString::fromUtf8(json::python(data)))));
    return {{QStringLiteral("python"), py}, {QStringLiteral("javascript"), js}, {QStringLiteral("bash"), bash}};
}

static QJsonObject typeEntry(const QJsonObject &schema)
{
    return {{QStringLiteral("type"), pythonTypeFromSchema(schema)},
            {QStringLiteral("description"), schema.value(QLatin1String("additional_description")).toString()}};
}

QJsonObject buildInfo(const QList<std::shared_ptr<const EndpointSpec>> &endpoints, const QString &root, bool all)
{
    QJsonObject named;
    for (const auto &ep : endpoints) {
        if (ep->visibility == Visibility::Private || (ep->visibility == Visibility::Undocumented && !all))
            continue;
        QJsonArray parameters;
        for (qsizetype i = 0; i < ep->params.size(); ++i) {
            const Param &p = ep->params[i];
            const QJsonObject schema = parameterSchema(*ep, i);
            QJsonObject entry{{QStringLiteral("label"), ordinal(int(i) + 1)},
                              {QStringLiteral("parameter_name"), p.name},
                              {QStringLiteral("parameter_has_default"), p.hasDefault()},
                              {QStringLiteral("parameter_default"), p.hasDefault() ? p.defaultValue : QJsonValue()},
                              {QStringLiteral("type"), schema},
                              {QStringLiteral("python_type"), QJsonObject{{QStringLiteral("type"), pythonTypeFromSchema(schema)},
                                                                          {QStringLiteral("description"), p.description}}},
                              {QStringLiteral("component"), QStringLiteral("Api")},
                              {QStringLiteral("example_input"), p.hasDefault() ? p.defaultValue : QJsonValue(QStringLiteral("..."))}};
            parameters.append(entry);
        }
        QJsonArray returns;
        for (qsizetype i = 0; i < ep->invoker.returnSchemas.size(); ++i) {
            const QJsonObject schema = returnSchema(*ep, i);
            returns.append(QJsonObject{{QStringLiteral("label"), ordinal(int(i) + 1)},
                                       {QStringLiteral("type"), schema},
                                       {QStringLiteral("python_type"), typeEntry(schema)},
                                       {QStringLiteral("component"), QStringLiteral("Api")}});
        }
        QJsonObject entry{{QStringLiteral("parameters"), parameters},
                          {QStringLiteral("returns"), returns},
                          {QStringLiteral("api_visibility"),
                           ep->visibility == Visibility::Public ? QStringLiteral("public") : QStringLiteral("undocumented")},
                          {QStringLiteral("description"), ep->description}};
        if (!all)
            entry.insert(QStringLiteral("code_snippets"), snippets(*ep, root));
        named.insert(QLatin1Char('/') + ep->name, entry);
    }
    return {{QStringLiteral("named_endpoints"), named}, {QStringLiteral("unnamed_endpoints"), QJsonObject()}};
}

} // namespace qradio::api
