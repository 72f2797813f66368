// SPDX-License-Identifier: MIT
// The MCP layer against a server with tools, resources and prompts of every supported shape,
// over HTTP; and its internal pieces (URI templates, JSON-RPC framing).
#include "tst_mcp.h"

#include <qradio/context.h>
#include <qradio/mcp.h>
#include <qradio/server.h>

#include "mcp/catalog.h"
#include "mcp/protocol.h"
#include "rawhttp.h"

#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QtTest>

using qradio::mcp::Content;
using qradio::mcp::PromptMessage;

namespace {

QJsonObject object(const char *json)
{
    return QJsonDocument::fromJson(json).object();
}

} // namespace

HttpReply tst_Mcp::http(const QByteArray &verb, const QString &path, const QByteArray &body,
               const QList<QPair<QByteArray, QByteArray>> &headers)
{
    QNetworkRequest request(QUrl(base + path));
    request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArray("application/json"));
    request.setRawHeader("Accept", "application/json, text/event-stream");
    for (const auto &[k, v] : headers)
        request.setRawHeader(k, v);
    QNetworkReply *reply = nam.sendCustomRequest(request, verb, body);
    QEventLoop loop;
    connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
    loop.exec();
    HttpReply out;
    out.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    out.body = reply->readAll();
    out.contentType = reply->rawHeader("Content-Type");
    out.session = reply->rawHeader("Mcp-Session-Id");
    if (out.contentType.startsWith("text/event-stream")) {
        for (const QByteArray &line : out.body.split('\n'))
            if (line.startsWith("data: "))
                out.events.append(QJsonDocument::fromJson(line.mid(6)).object());
        if (!out.events.isEmpty())
            out.json = out.events.last();
    } else {
        out.json = QJsonDocument::fromJson(out.body).object();
    }
    reply->deleteLater();
    return out;
}

HttpReply tst_Mcp::rpc(const QString &method, const QJsonObject &params, const QList<QPair<QByteArray, QByteArray>> &headers)
{
    const QJsonObject message{{QStringLiteral("jsonrpc"), QStringLiteral("2.0")},
                              {QStringLiteral("id"), 1},
                              {QStringLiteral("method"), method},
                              {QStringLiteral("params"), params}};
    return http("POST", QStringLiteral("/gradio_api/mcp/"), QJsonDocument(message).toJson(QJsonDocument::Compact), headers);
}

QJsonObject tst_Mcp::call(const QString &tool, const QJsonObject &arguments)
{
    return rpc(QStringLiteral("tools/call"), {{QStringLiteral("name"), tool}, {QStringLiteral("arguments"), arguments}})
        .json.value(QLatin1String("result"))
        .toObject();
}

QJsonObject tst_Mcp::toolNamed(const QString &name)
{
    for (const QJsonValue &t : rpc(QStringLiteral("tools/list")).json[QLatin1String("result")][QLatin1String("tools")].toArray())
        if (t[QLatin1String("name")] == name)
            return t.toObject();
    return {};
}

QString tst_Mcp::initializeSession()
{
    const HttpReply r = rpc(QStringLiteral("initialize"), {{QStringLiteral("protocolVersion"), QStringLiteral("2025-11-25")},
                                                          {QStringLiteral("capabilities"), QJsonObject()},
                                                          {QStringLiteral("clientInfo"), QJsonObject{{QStringLiteral("name"), QStringLiteral("tst")}}}});
    return QString::fromLatin1(r.session);
}

void tst_Mcp::initTestCase()
{
    server = std::make_unique<qradio::Server>(
        qradio::ServerOptions{.title = QStringLiteral("MCP test"), .defaultConcurrencyLimit = 0, .mcpServer = true});
    qradio::Server &app = *server;
    qradio::McpRegistry &mcp = app.mcp();

    app.api("add", [](int a, int b) { return a + b; }).params({{"a", "First"}, {"b", "Second"}}).description("Adds.").mcpTool();
    app.api("greet", [](const QString &name, int times, std::optional<QString> suffix) {
           return QString(name + suffix.value_or(QString())).repeated(times);
       })
        .params({{"name", "Who"}, {"times", "How often", 2}, {"suffix", "", QJsonValue()}})
        .description("Greets.")
        .mcpTool();
    qradio::Param mode(QStringLiteral("mode"));
    mode.choices = QJsonArray{QStringLiteral("fast"), QStringLiteral("slow")};
    app.api("pick", [](const QString &m) { return m; }).params({mode}).mcpTool(QStringLiteral("choose"));
    app.api("api_only", [] { return 1; });
    mcp.tool(app.api("echo", [](const QString &s) { return s; }).params({"s"}).description("Echoes."), QStringLiteral("echo_tool"))
        .title(QStringLiteral("Echo"))
        .annotations({{QStringLiteral("readOnlyHint"), true}})
        .meta({{QStringLiteral("openai/outputTemplate"), QStringLiteral("ui://widget/echo.html")}});

    mcp.tool(QStringLiteral("stats"), [](const QList<double> &xs) {
           double sum = 0;
           for (double x : xs)
               sum += x;
           return QJsonObject{{QStringLiteral("count"), xs.size()}, {QStringLiteral("sum"), sum}};
       })
        .params({{"xs", "Numbers"}})
        .description(QStringLiteral("Counts and sums."));
    mcp.tool(QStringLiteral("answer"), [] { return 42; }).structuredOutput(true);
    mcp.tool(QStringLiteral("pair"), [](int a) { return std::tuple<int, QString>(a, QStringLiteral("x%1").arg(a)); }).params({"a"});
    mcp.tool(QStringLiteral("list"), [] { return QList<int>{1, 2, 3}; });
    mcp.tool(QStringLiteral("custom"), [] {
        qradio::mcp::ToolResult r;
        r.content = {Content::text(QStringLiteral("custom"))};
        r.structuredContent = {{QStringLiteral("k"), 1}};
        r.isError = true;
        return r;
    });
    mcp.tool(QStringLiteral("crash"), []() -> int { throw std::runtime_error("internal detail"); });
    mcp.tool(QStringLiteral("refuse"), []() -> int { throw qradio::Error(QStringLiteral("not today")); });
    mcp.tool(QStringLiteral("later"), [](int x) -> QCoro::Task<int> { co_return x * 2; }).params({"x"});
    mcp.tool(QStringLiteral("count"), [](int n) -> QCoro::AsyncGenerator<int> {
           for (int i = 1; i <= n; ++i)
               co_yield i;
       })
        .params({"n"});
    mcp.tool(QStringLiteral("many"), [](qradio::Stream<int> &out, int n) {
           for (int i = 1; i <= n; ++i)
               out(i);
       })
        .params({"n"});
    mcp.tool(QStringLiteral("chatty"), [](qradio::Context &ctx) {
        ctx.info(QStringLiteral("info line"));
        ctx.warning(QStringLiteral("warning line"));
        qradio::mcp::log(ctx, qradio::mcp::LogLevel::Error, QJsonObject{{QStringLiteral("code"), 7}}, QStringLiteral("tst"));
        return qradio::mcp::isMcpCall(ctx);
    });
    mcp.tool(QStringLiteral("add"), [](int a) { return a; }).params({"a"}); // a second "add"
    mcp.tool(QStringLiteral("hold"), [](qradio::Context &ctx, int ms) {
        ctx.sleepFor(std::chrono::duration<double>(ms / 1000.0));
        return ms;
    }).params({"ms"});

    mcp.resource(QStringLiteral("config://app"), QStringLiteral("app-config"), [] { return QStringLiteral("{\"debug\":false}"); })
        .mimeType(QStringLiteral("application/json"))
        .description(QStringLiteral("The app's configuration."));
    mcp.resource(QStringLiteral("blob://logo"), QStringLiteral("logo"), [] { return QByteArray("\x89PNG", 4); })
        .mimeType(QStringLiteral("image/png"));
    mcp.resource(QStringLiteral("items://{id}"), QStringLiteral("item"), [](int id) { return QString::number(id * 10); })
        .complete(QStringLiteral("id"), [](const QString &value, const QJsonObject &) {
            return QStringList{value + QLatin1Char('1'), value + QLatin1Char('2')};
        });
    mcp.resource(QStringLiteral("files://{+path}"), QStringLiteral("file"), [](const QString &path) { return path; });
    mcp.resource(QStringLiteral("multi://x"), QStringLiteral("multi"), [] {
        return QList<qradio::mcp::ResourceContents>{
            qradio::mcp::ResourceContents::fromText(QStringLiteral("a")),
            qradio::mcp::ResourceContents::fromBlob("b", QStringLiteral("application/octet-stream"), QStringLiteral("multi://x/b"))};
    });

    mcp.prompt(QStringLiteral("hello"), [](const QString &name) { return QStringLiteral("Hello, %1!").arg(name); })
        .params({{"name", "Whom to greet"}})
        .description(QStringLiteral("Greets someone."));
    mcp.prompt(QStringLiteral("repeat"), [](const QString &word, int times) { return word.repeated(times); })
        .params({{"word", "The word"}, {"times", "How often", 2}});
    qradio::Param style(QStringLiteral("style"));
    style.choices = QJsonArray{QStringLiteral("formal"), QStringLiteral("casual"), QStringLiteral("curt")};
    mcp.prompt(QStringLiteral("styled"), [](const QString &s) { return s; }).params({style});
    mcp.prompt(QStringLiteral("rich"), [] {
        return qradio::mcp::PromptResult{QStringLiteral("A rich prompt"),
                                         {PromptMessage{QStringLiteral("assistant"), Content::text(QStringLiteral("hi"))}}};
    });

    QVERIFY(server->listen(QHostAddress::LocalHost, 0));
    base = QStringLiteral("http://127.0.0.1:%1").arg(server->port());
}

void tst_Mcp::cleanupTestCase() { server.reset(); }

void tst_Mcp::listsMarkedEndpointsAndMcpOnlyTools()
{
    QStringList names;
    for (const QJsonValue &t : rpc(QStringLiteral("tools/list")).json[QLatin1String("result")][QLatin1String("tools")].toArray())
        names.append(t[QLatin1String("name")].toString());
    QCOMPARE(names, (QStringList{QStringLiteral("add"), QStringLiteral("greet"), QStringLiteral("choose"), QStringLiteral("echo_tool"), QStringLiteral("stats"),
                                 QStringLiteral("answer"), QStringLiteral("pair"), QStringLiteral("list"), QStringLiteral("custom"),
                                 QStringLiteral("crash"), QStringLiteral("refuse"), QStringLiteral("later"), QStringLiteral("count"), QStringLiteral("many"),
                                 QStringLiteral("chatty"), QStringLiteral("add_1"), QStringLiteral("hold")}));
}

void tst_Mcp::inputSchemaFromTypedMetadata()
{
    QCOMPARE(toolNamed(QStringLiteral("greet"))[QLatin1String("inputSchema")].toObject(), object(R"({
        "type": "object",
        "properties": {
            "name": {"type": "string", "description": "Who"},
            "times": {"type": "integer", "description": "How often", "default": 2},
            "suffix": {"oneOf": [{"type": "null"}, {"type": "string"}], "description": ""}
        },
        "required": ["name"]})"));
    QCOMPARE(toolNamed(QStringLiteral("choose"))[QLatin1String("inputSchema")][QLatin1String("properties")][QLatin1String("mode")]
                 .toObject(),
             object(R"({"enum": ["fast", "slow"], "description": ""})"));
    QCOMPARE(toolNamed(QStringLiteral("add"))[QLatin1String("description")].toString(), QStringLiteral("Adds."));
    QCOMPARE(toolNamed(QStringLiteral("echo_tool")), object(R"({
        "name": "echo_tool", "title": "Echo", "description": "Echoes.",
        "inputSchema": {"type": "object", "properties": {"s": {"type": "string", "description": ""}}, "required": ["s"]},
        "annotations": {"readOnlyHint": true},
        "_meta": {"openai/outputTemplate": "ui://widget/echo.html"}})"));
    QVERIFY(!toolNamed(QStringLiteral("answer"))[QLatin1String("description")].toString().isEmpty());
}

void tst_Mcp::outputSchemaForStructuredResults()
{
    QCOMPARE(toolNamed(QStringLiteral("stats"))[QLatin1String("outputSchema")].toObject(),
             object(R"({"type": "object", "additionalProperties": {}})"));
    QCOMPARE(toolNamed(QStringLiteral("answer"))[QLatin1String("outputSchema")].toObject(),
             object(R"({"type": "object", "properties": {"result": {"type": "integer"}}, "required": ["result"]})"));
    QVERIFY(!toolNamed(QStringLiteral("add")).contains(QLatin1String("outputSchema")));

    const QJsonObject stats = call(QStringLiteral("stats"), {{QStringLiteral("xs"), QJsonArray{1, 2.5}}});
    QCOMPARE(stats[QLatin1String("structuredContent")].toObject(), object(R"({"count": 2, "sum": 3.5})"));
    QCOMPARE(stats[QLatin1String("content")][0][QLatin1String("text")].toString(), QStringLiteral("{\"count\":2,\"sum\":3.5}"));
    QCOMPARE(stats[QLatin1String("isError")].toBool(), false);
    QCOMPARE(call(QStringLiteral("answer"))[QLatin1String("structuredContent")].toObject(), object(R"({"result": 42})"));
}

void tst_Mcp::resultsAsContent()
{
    QCOMPARE(call(QStringLiteral("greet"), {{QStringLiteral("name"), QStringLiteral("ab")}})[QLatin1String("content")].toArray(),
             QJsonDocument::fromJson(R"([{"type": "text", "text": "abab"}])").array());
    QCOMPARE(call(QStringLiteral("pair"), {{QStringLiteral("a"), 7}})[QLatin1String("content")].toArray(),
             QJsonDocument::fromJson(R"([{"type": "text", "text": "7"}, {"type": "text", "text": "x7"}])").array());
    QCOMPARE(call(QStringLiteral("list"))[QLatin1String("content")][0][QLatin1String("text")].toString(), QStringLiteral("[1,2,3]"));
    QCOMPARE(call(QStringLiteral("custom")),
             object(R"({"content": [{"type": "text", "text": "custom"}], "structuredContent": {"k": 1}, "isError": true})"));
    QCOMPARE(call(QStringLiteral("later"), {{QStringLiteral("x"), 21}})[QLatin1String("content")][0][QLatin1String("text")].toString(),
             QStringLiteral("42"));
    QCOMPARE(call(QStringLiteral("count"), {{QStringLiteral("n"), 3}})[QLatin1String("content")][0][QLatin1String("text")].toString(),
             QStringLiteral("3"));
    // A blocking generator that yields far more values than the queue's flow-control window.
    QCOMPARE(call(QStringLiteral("many"), {{QStringLiteral("n"), 2000}})[QLatin1String("content")][0][QLatin1String("text")].toString(),
             QStringLiteral("2000"));
    QCOMPARE(call(QStringLiteral("add_1"), {{QStringLiteral("a"), 5}})[QLatin1String("content")][0][QLatin1String("text")].toString(),
             QStringLiteral("5"));
}

void tst_Mcp::errorsAreIsErrorResults()
{
    QJsonObject r = call(QStringLiteral("refuse"));
    QCOMPARE(r[QLatin1String("isError")].toBool(), true);
    QCOMPARE(r[QLatin1String("content")][0][QLatin1String("text")].toString(), QStringLiteral("not today"));
    r = call(QStringLiteral("crash"));
    QCOMPARE(r[QLatin1String("isError")].toBool(), true);
    QVERIFY(!r[QLatin1String("content")][0][QLatin1String("text")].toString().contains(QLatin1String("internal detail")));
    r = call(QStringLiteral("choose"), {{QStringLiteral("mode"), QStringLiteral("medium")}});
    QCOMPARE(r[QLatin1String("isError")].toBool(), true);
    QVERIFY(r[QLatin1String("content")][0][QLatin1String("text")].toString().startsWith(QLatin1String("Input validation error")));
}

void tst_Mcp::mcpOnlyToolsStayOffTheApi()
{
    const HttpReply info = http("GET", QStringLiteral("/gradio_api/info"));
    QVERIFY(info.body.contains("\"/add\""));
    QVERIFY(!info.body.contains("stats"));
    QCOMPARE(http("POST", QStringLiteral("/gradio_api/call/mcp_tool_stats"), "{\"data\": [[1]]}").status, 404);
    QCOMPARE(toolNamed(QStringLiteral("api_only")), QJsonObject());
}

void tst_Mcp::listsResourcesAndTemplates()
{
    QCOMPARE(rpc(QStringLiteral("resources/list")).json[QLatin1String("result")][QLatin1String("resources")].toArray(),
             QJsonDocument::fromJson(R"([
                 {"uri": "config://app", "name": "app-config", "mimeType": "application/json", "description": "The app's configuration."},
                 {"uri": "blob://logo", "name": "logo", "mimeType": "image/png"},
                 {"uri": "multi://x", "name": "multi", "mimeType": "text/plain"}])").array());
    QCOMPARE(rpc(QStringLiteral("resources/templates/list")).json[QLatin1String("result")][QLatin1String("resourceTemplates")].toArray(),
             QJsonDocument::fromJson(R"([
                 {"uriTemplate": "items://{id}", "name": "item", "mimeType": "text/plain"},
                 {"uriTemplate": "files://{+path}", "name": "file", "mimeType": "text/plain"}])").array());
}

void tst_Mcp::readsResources()
{
    auto read = [this](const QString &uri) {
        return rpc(QStringLiteral("resources/read"), {{QStringLiteral("uri"), uri}}).json;
    };
    const QJsonObject config = read(QStringLiteral("config://app"))[QLatin1String("result")][QLatin1String("contents")][0].toObject();
    QCOMPARE(config, (QJsonObject{{QStringLiteral("uri"), QStringLiteral("config://app")},
                                  {QStringLiteral("mimeType"), QStringLiteral("application/json")},
                                  {QStringLiteral("text"), QStringLiteral("{\"debug\":false}")}}));
    QCOMPARE(read(QStringLiteral("blob://logo"))[QLatin1String("result")][QLatin1String("contents")].toArray(),
             QJsonDocument::fromJson(R"([{"uri": "blob://logo", "mimeType": "image/png", "blob": "iVBORw=="}])").array());
    QCOMPARE(read(QStringLiteral("items://4"))[QLatin1String("result")][QLatin1String("contents")][0][QLatin1String("text")].toString(),
             QStringLiteral("40"));
    QCOMPARE(read(QStringLiteral("files://a/b/c.txt"))[QLatin1String("result")][QLatin1String("contents")][0][QLatin1String("text")].toString(),
             QStringLiteral("a/b/c.txt"));
    QCOMPARE(read(QStringLiteral("multi://x"))[QLatin1String("result")][QLatin1String("contents")].toArray(),
             QJsonDocument::fromJson(R"([{"uri": "multi://x", "mimeType": "text/plain", "text": "a"},
                                         {"uri": "multi://x/b", "mimeType": "application/octet-stream", "blob": "Yg=="}])").array());
    const QJsonObject missing = read(QStringLiteral("nothing://here"));
    QCOMPARE(missing[QLatin1String("error")][QLatin1String("code")].toInt(), -32002);
    QCOMPARE(missing[QLatin1String("error")][QLatin1String("data")][QLatin1String("uri")].toString(), QStringLiteral("nothing://here"));
    // A template variable that does not parse as the parameter's type is an error, not a crash.
    QCOMPARE(read(QStringLiteral("items://abc"))[QLatin1String("error")][QLatin1String("code")].toInt(), -32603);
}

void tst_Mcp::listsPrompts()
{
    const QJsonArray prompts = rpc(QStringLiteral("prompts/list")).json[QLatin1String("result")][QLatin1String("prompts")].toArray();
    QCOMPARE(prompts.size(), 4);
    QCOMPARE(prompts[0].toObject(), object(R"({"name": "hello", "description": "Greets someone.",
                                               "arguments": [{"name": "name", "description": "Whom to greet", "required": true}]})"));
    QCOMPARE(prompts[1][QLatin1String("arguments")][1].toObject(),
             object(R"({"name": "times", "description": "How often", "required": false})"));
}

void tst_Mcp::getsPrompts()
{
    auto get = [this](const QString &name, const QJsonObject &arguments = {}) {
        return rpc(QStringLiteral("prompts/get"), {{QStringLiteral("name"), name}, {QStringLiteral("arguments"), arguments}}).json;
    };
    QCOMPARE(get(QStringLiteral("hello"), {{QStringLiteral("name"), QStringLiteral("Ada")}})[QLatin1String("result")].toObject(),
             object(R"({"messages": [{"role": "user", "content": {"type": "text", "text": "Hello, Ada!"}}]})"));
    // MCP sends prompt arguments as strings: "3" becomes the int the function takes.
    QCOMPARE(get(QStringLiteral("repeat"), {{QStringLiteral("word"), QStringLiteral("ab")}, {QStringLiteral("times"), QStringLiteral("3")}})
                 [QLatin1String("result")][QLatin1String("messages")][0][QLatin1String("content")][QLatin1String("text")]
                     .toString(),
             QStringLiteral("ababab"));
    QCOMPARE(get(QStringLiteral("rich"))[QLatin1String("result")].toObject(),
             object(R"({"description": "A rich prompt",
                        "messages": [{"role": "assistant", "content": {"type": "text", "text": "hi"}}]})"));
    QCOMPARE(get(QStringLiteral("hello"))[QLatin1String("error")][QLatin1String("code")].toInt(), -32602);
    QCOMPARE(get(QStringLiteral("nope"))[QLatin1String("error")][QLatin1String("code")].toInt(), -32602);
}

void tst_Mcp::completes()
{
    auto complete = [this](const QJsonObject &ref, const QString &arg, const QString &value) {
        return rpc(QStringLiteral("completion/complete"),
                   {{QStringLiteral("ref"), ref},
                    {QStringLiteral("argument"), QJsonObject{{QStringLiteral("name"), arg}, {QStringLiteral("value"), value}}}})
            .json[QLatin1String("result")][QLatin1String("completion")]
            .toObject();
    };
    const QJsonObject styled{{QStringLiteral("type"), QStringLiteral("ref/prompt")}, {QStringLiteral("name"), QStringLiteral("styled")}};
    QCOMPARE(complete(styled, QStringLiteral("style"), QStringLiteral("c")),
             object(R"({"values": ["casual", "curt"], "total": 2, "hasMore": false})"));
    const QJsonObject items{{QStringLiteral("type"), QStringLiteral("ref/resource")}, {QStringLiteral("uri"), QStringLiteral("items://{id}")}};
    QCOMPARE(complete(items, QStringLiteral("id"), QStringLiteral("4")), object(R"({"values": ["41", "42"], "total": 2, "hasMore": false})"));
    const QJsonObject hello{{QStringLiteral("type"), QStringLiteral("ref/prompt")}, {QStringLiteral("name"), QStringLiteral("hello")}};
    QCOMPARE(complete(hello, QStringLiteral("name"), QStringLiteral("x")), object(R"({"values": [], "total": 0, "hasMore": false})"));
}

void tst_Mcp::logMessagesFollowTheSessionLevel()
{
    const QString session = initializeSession();
    QVERIFY(!session.isEmpty());
    const QList<QPair<QByteArray, QByteArray>> headers{{"Mcp-Session-Id", session.toLatin1()}};
    auto logs = [&] {
        QStringList out;
        const HttpReply r = rpc(QStringLiteral("tools/call"), {{QStringLiteral("name"), QStringLiteral("chatty")}}, headers);
        for (const QJsonObject &e : r.events)
            if (e[QLatin1String("method")] == QLatin1String("notifications/message"))
                out.append(e[QLatin1String("params")][QLatin1String("level")].toString());
        if (r.json[QLatin1String("result")][QLatin1String("content")][0][QLatin1String("text")] != QLatin1String("true"))
            out.append(QStringLiteral("isMcpCall() was false"));
        return out;
    };
    QCOMPARE(logs(), (QStringList{QStringLiteral("info"), QStringLiteral("warning"), QStringLiteral("error")}));
    QCOMPARE(rpc(QStringLiteral("logging/setLevel"), {{QStringLiteral("level"), QStringLiteral("warning")}}, headers).json,
             object(R"({"jsonrpc": "2.0", "id": 1, "result": {}})"));
    QCOMPARE(logs(), (QStringList{QStringLiteral("warning"), QStringLiteral("error")}));
    QCOMPARE(rpc(QStringLiteral("logging/setLevel"), {{QStringLiteral("level"), QStringLiteral("loud")}}, headers)
                 .json[QLatin1String("error")][QLatin1String("code")].toInt(),
             -32602);
}

void tst_Mcp::subscribedSessionsHearOfUpdates()
{
    const QString session = initializeSession();
    QCOMPARE(rpc(QStringLiteral("resources/subscribe"), {{QStringLiteral("uri"), QStringLiteral("config://app")}},
                 {{"Mcp-Session-Id", session.toLatin1()}})
                 .status,
             200);
    RawClient stream;
    QVERIFY(stream.connectTo(server->port()));
    stream.send("GET /gradio_api/mcp/ HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\nMcp-Session-Id: " + session.toLatin1()
                + "\r\n\r\n");
    QVERIFY(stream.readUntil("text/event-stream").contains("200 OK"));
    // A second standalone stream for the same session is refused.
    QCOMPARE(http("GET", QStringLiteral("/gradio_api/mcp/"), {}, {{"Accept", "text/event-stream"}, {"Mcp-Session-Id", session.toLatin1()}})
                 .status,
             409);
    server->mcp().resourceUpdated(QStringLiteral("blob://logo")); // not subscribed
    server->mcp().resourceUpdated(QStringLiteral("config://app"));
    const QByteArray got = stream.readUntil("config://app");
    QVERIFY2(got.contains("notifications/resources/updated"), got.constData());
    QVERIFY(!got.contains("blob://logo"));
}

void tst_Mcp::oversizedInitializeIsRefused()
{
    const HttpReply r = rpc(QStringLiteral("initialize"), {{QStringLiteral("protocolVersion"), QStringLiteral("2025-11-25")},
                                                          {QStringLiteral("capabilities"), QJsonObject()},
                                                          {QStringLiteral("clientInfo"), QJsonObject{{QStringLiteral("name"), QString(100000, u'n')}}}});
    QCOMPARE(r.status, 400);
    QCOMPARE(r.json[QLatin1String("error")][QLatin1String("code")].toInt(), -32602);
    QVERIFY2(r.json[QLatin1String("error")][QLatin1String("message")].toString().contains(QLatin1String("more than the 16384 a session keeps")),
             r.body.constData());
    QVERIFY(r.session.isEmpty()); // no session was made for it
    QVERIFY(!initializeSession().isEmpty()); // a normal one still is
}

void tst_Mcp::subscriptionsAreBounded()
{
    const QString session = initializeSession();
    const QList<QPair<QByteArray, QByteArray>> headers{{"Mcp-Session-Id", session.toLatin1()}};
    const auto subscribe = [&](const QString &uri) {
        return rpc(QStringLiteral("resources/subscribe"), {{QStringLiteral("uri"), uri}}, headers).json;
    };
    for (int i = 0; i < 64; ++i)
        QVERIFY(subscribe(QStringLiteral("config://app/%1").arg(i)).contains(QLatin1String("result")));
    QCOMPARE(subscribe(QStringLiteral("config://app/64"))[QLatin1String("error")][QLatin1String("code")].toInt(), -32602);
    QVERIFY(subscribe(QStringLiteral("config://app/7")).contains(QLatin1String("result"))); // already there
    const QString other = initializeSession();
    QCOMPARE(rpc(QStringLiteral("resources/subscribe"), {{QStringLiteral("uri"), QStringLiteral("x://") + QString(600, u'u')}},
                 {{"Mcp-Session-Id", other.toLatin1()}})
                 .json[QLatin1String("error")][QLatin1String("code")].toInt(),
             -32602);
}

void tst_Mcp::callsInFlightAreBounded()
{
    const QString session = initializeSession();
    const QList<QPair<QByteArray, QByteArray>> headers{{"Mcp-Session-Id", session.toLatin1()}};
    // Answered calls no longer count.
    for (int i = 0; i < 100; ++i)
        QCOMPARE(rpc(QStringLiteral("tools/call"), {{QStringLiteral("name"), QStringLiteral("add_1")}, {QStringLiteral("arguments"), QJsonObject{{QStringLiteral("a"), i}}}}, headers)
                     .json[QLatin1String("result")][QLatin1String("content")][0][QLatin1String("text")].toString(),
                 QString::number(i));
    // 70 at once, each held for a while: 64 run, the others are refused at once.
    std::vector<std::unique_ptr<RawClient>> clients;
    for (int i = 0; i < 70; ++i) {
        const QByteArray body = QJsonDocument(QJsonObject{{QStringLiteral("jsonrpc"), QStringLiteral("2.0")}, {QStringLiteral("id"), i},
                                                          {QStringLiteral("method"), QStringLiteral("tools/call")},
                                                          {QStringLiteral("params"), QJsonObject{{QStringLiteral("name"), QStringLiteral("hold")},
                                                                                                 {QStringLiteral("arguments"), QJsonObject{{QStringLiteral("ms"), 1500}}}}}})
                                    .toJson(QJsonDocument::Compact);
        auto c = std::make_unique<RawClient>();
        QVERIFY(c->connectTo(server->port()));
        c->send("POST /gradio_api/mcp/ HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nAccept: application/json\r\n"
                "Mcp-Session-Id: " + session.toLatin1() + "\r\nContent-Length: " + QByteArray::number(body.size()) + "\r\n\r\n" + body);
        clients.push_back(std::move(c));
    }
    int refused = 0;
    int answered = 0;
    for (auto &c : clients) {
        const RawResponse r = c->readResponse(10000);
        if (r.body.contains("requests in flight, the most one session may have"))
            ++refused;
        else if (r.body.contains("\"text\":\"1500\""))
            ++answered;
    }
    QCOMPARE(refused, 6);
    QCOMPARE(answered, 64);
}

void tst_Mcp::newSessionsNeverEvictSessionsInUse()
{
    qradio::ServerOptions options;
    options.mcpServer = true;
    options.maxMcpSessions = 2;
    qradio::Server small(options);
    small.api("one", [] { return 1; }).mcpTool();
    QVERIFY(small.listen(QHostAddress::LocalHost, 0));
    const auto post = [&](const QByteArray &body, const QByteArray &session = {}) {
        return rawRequest(small.port(), "POST /gradio_api/mcp/ HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                                        "Accept: application/json, text/event-stream\r\n"
                                            + (session.isEmpty() ? QByteArray() : "Mcp-Session-Id: " + session + "\r\n")
                                            + "Content-Length: " + QByteArray::number(body.size()) + "\r\n\r\n" + body);
    };
    const QByteArray init = R"({"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25",)"
                            R"("capabilities":{},"clientInfo":{"name":"t","version":"1"}}})";
    const QByteArray a = post(init).header("mcp-session-id");
    const QByteArray b = post(init).header("mcp-session-id");
    QVERIFY(!a.isEmpty() && !b.isEmpty());
    const RawResponse third = post(init);
    QCOMPARE(third.status, 503);
    QVERIFY2(third.body.contains("all in use"), third.body.constData());
    QVERIFY(third.header("mcp-session-id").isEmpty());
    for (const QByteArray &session : {a, b}) {
        const RawResponse r = post(R"({"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"one","arguments":{}}})", session);
        QCOMPARE(r.status, 200);
        QVERIFY2(r.body.contains("\"text\":\"1\""), r.body.constData());
    }
}

void tst_Mcp::uriTemplates()
{
    using qradio::mcp::UriTemplate;
    QCOMPARE(UriTemplate(QStringLiteral("a://{x}/b/{y}")).variables(), (QStringList{QStringLiteral("x"), QStringLiteral("y")}));
    QCOMPARE(UriTemplate(QStringLiteral("a://{x}/b/{y}")).match(QStringLiteral("a://1/b/two")), QStringList({QStringLiteral("1"), QStringLiteral("two")}));
    QVERIFY(!UriTemplate(QStringLiteral("a://{x}/b")).match(QStringLiteral("a://1/2/b")));
    QCOMPARE(UriTemplate(QStringLiteral("f://{+p}")).match(QStringLiteral("f://1/2")), QStringList({QStringLiteral("1/2")}));
    QCOMPARE(UriTemplate(QStringLiteral("f://{x}")).match(QStringLiteral("f://a%20b")), QStringList({QStringLiteral("a b")}));
    QVERIFY(UriTemplate(QStringLiteral("fixed://x")).match(QStringLiteral("fixed://x")));
    QVERIFY(!UriTemplate(QStringLiteral("fixed://x")).match(QStringLiteral("fixed://y")));
    QVERIFY(!UriTemplate(QStringLiteral("a.b://{x}")).match(QStringLiteral("aXb://1"))); // literal parts are literal
}

void tst_Mcp::classifiesMessages()
{
    using qradio::mcp::Message;
    QCOMPARE(Message::classify(object(R"({"jsonrpc":"2.0","id":1,"method":"ping"})")).kind, Message::Request);
    QCOMPARE(Message::classify(object(R"({"jsonrpc":"2.0","id":"a","method":"ping","params":{}})")).kind, Message::Request);
    QCOMPARE(Message::classify(object(R"({"jsonrpc":"2.0","method":"notifications/initialized"})")).kind, Message::Notification);
    QCOMPARE(Message::classify(object(R"({"jsonrpc":"2.0","id":1,"result":{}})")).kind, Message::Response);
    QCOMPARE(Message::classify(object(R"({"jsonrpc":"2.0","id":null,"error":{"code":1,"message":"x"}})")).kind, Message::Response);
    QCOMPARE(Message::classify(object(R"({"jsonrpc":"1.0","id":1,"method":"ping"})")).kind, Message::Invalid);
    QCOMPARE(Message::classify(object(R"({"jsonrpc":"2.0","id":1.5,"method":"ping"})")).kind, Message::Invalid);
    QCOMPARE(Message::classify(object(R"({"jsonrpc":"2.0","id":null,"method":"ping"})")).kind, Message::Invalid);
    QCOMPARE(Message::classify(object(R"({"jsonrpc":"2.0","id":1})")).kind, Message::Invalid);
    const Message badParams = Message::classify(object(R"({"jsonrpc":"2.0","id":1,"method":"ping","params":3})"));
    QCOMPARE(badParams.kind, Message::Request);
    QVERIFY(badParams.error.startsWith(QLatin1String("params:")));
    QCOMPARE(qradio::mcp::ParsedJson::parse("42").kind, qradio::mcp::ParsedJson::Other);
    QCOMPARE(qradio::mcp::ParsedJson::parse("[1]").kind, qradio::mcp::ParsedJson::Array);
    QCOMPARE(qradio::mcp::ParsedJson::parse("{").kind, qradio::mcp::ParsedJson::Error);
    QCOMPARE(qradio::mcp::ParsedJson::parse("1,2").kind, qradio::mcp::ParsedJson::Error);
}

void tst_Mcp::negotiatesVersions()
{
    QCOMPARE(qradio::mcp::negotiateVersion(QStringLiteral("2024-11-05")), QStringLiteral("2024-11-05"));
    QCOMPARE(qradio::mcp::negotiateVersion(QStringLiteral("2026-07-28")), QStringLiteral("2025-11-25"));
    QCOMPARE(qradio::mcp::negotiateVersion(QString()), QStringLiteral("2025-11-25"));
}

QTEST_GUILESS_MAIN(tst_Mcp)
