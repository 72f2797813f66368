// SPDX-License-Identifier: MIT
// Built-in routes (config, info, call, run, default page), custom routes and hooks, against
// the calculator's endpoints plus a few that exercise parameter metadata.
#include "calculator.h"

#include <qradio/server.h>

#include "rawhttp.h"

#include <QJsonDocument>
#include <QRegularExpression>
#include <QTcpServer>
#include <QtTest>

namespace {
quint16 port = 0; // of the server under test: clients name it in Host

QByteArray host() { return "Host: 127.0.0.1:" + QByteArray::number(port) + "\r\n"; }
QByteArray get(const QByteArray &path, const QByteArray &extraHeaders = {})
{
    return "GET " + path + " HTTP/1.1\r\n" + host() + extraHeaders + "\r\n";
}
QByteArray post(const QByteArray &path, const QByteArray &body)
{
    return "POST " + path + " HTTP/1.1\r\n" + host() + "Content-Type: application/json\r\nContent-Length: "
        + QByteArray::number(body.size()) + "\r\n\r\n" + body;
}
QJsonObject json(const RawResponse &r) { return QJsonDocument::fromJson(r.body).object(); }
} // namespace

class tst_Api : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase()
    {
        server = std::make_unique<qradio::Server>(qradio::ServerOptions{.title = QStringLiteral("Test app")});
        registerCalculator(*server);
        server->api("greet", [](const QString &name, int times, std::optional<QString> suffix) {
                  return QString(name + suffix.value_or(QString())).repeated(times);
              })
            .params({{"name", "Who"}, {"times", "How often", 2}, {"suffix", "", QJsonValue()}})
            .description("Greets.");
        qradio::Param mode(QStringLiteral("mode"));
        mode.choices = QJsonArray{QStringLiteral("fast"), QStringLiteral("slow")};
        server->api("pick", [](const QString &m) { return m; }).params({mode});
        server->api("hidden", [] { return 1; }).visibility(qradio::Visibility::Undocumented);
        server->api("secret", [] { return 2; }).visibility(qradio::Visibility::Private);
        server->api("pair", [](int a) { return std::tuple<int, QString>(a, QString::number(a)); }).params({"a"});
        server->api("doubled", [](QList<int> xs) {
                  for (int &x : xs)
                      x *= 2;
                  return xs;
              })
            .params({"x"})
            .batch(8);
        server->api("measured", [](int x) { return x; }).params({"x"}); // called only by one test
        server->api("burst", [](qradio::Stream<int> &out) {
                  for (int i = 0; i < 1000; ++i)
                      out(i);
              })
            .streamEvery(0.2);
        server->api("crash", [](int) -> int { throw std::runtime_error("internal detail"); }).params({"x"});

        server->get(QStringLiteral("/items/<id>"), [](const qradio::Request &r) {
            return QJsonObject{{QStringLiteral("id"), r.param(QStringLiteral("id"))},
                               {QStringLiteral("q"), r.query.queryItemValue(QStringLiteral("q"), QUrl::FullyDecoded)}};
        });
        server->put(QStringLiteral("/files/<path...>"), [](const qradio::Request &r) {
            return qradio::Response::text(r.param(QStringLiteral("path")) + QLatin1Char(':') + QString::fromUtf8(r.body));
        });
        server->del(QStringLiteral("/boom"), []() -> qradio::Response { throw std::logic_error("route failed"); });
        server->get(QStringLiteral("/gradio_api/app_id"), [] { return QJsonObject{{QStringLiteral("mine"), true}}; });
        server->beforeRequest([](const qradio::Request &r) -> std::optional<qradio::Response> {
            if (r.path.startsWith(QLatin1String("/private")) && r.header("x-api-key") != "sesame")
                return qradio::Response::error(401, QStringLiteral("Missing API key."));
            return std::nullopt;
        });
        server->get(QStringLiteral("/private/data"), [] { return QJsonObject{{QStringLiteral("ok"), true}}; });
        server->afterRequest([](const qradio::Request &, qradio::Response &response) {
            response.setHeader("X-Served-By", "qradio-test");
        });
        server->onError([](const qradio::Request &, const std::exception &e) {
            return qradio::Response::error(500, QStringLiteral("handled: ") + QString::fromUtf8(e.what()));
        });
        QVERIFY2(server->listen(QHostAddress::LocalHost, 0), qPrintable(server->errorString()));
        port = server->port();
    }
    void cleanupTestCase() { server.reset(); }

    void config()
    {
        const RawResponse r = rawRequest(port, get("/config"));
        QCOMPARE(r.status, 200);
        const QJsonObject c = json(r);
        QCOMPARE(c.value("protocol").toString(), QStringLiteral("sse_v3"));
        QCOMPARE(c.value("api_prefix").toString(), QStringLiteral("/gradio_api"));
        QCOMPARE(c.value("root").toString(), QStringLiteral("http://127.0.0.1:%1").arg(port));
        QVERIFY(QRegularExpression(QStringLiteral("^\\d+\\.\\d+\\.\\d+$")).match(c.value("version").toString()).hasMatch());
        QVERIFY(c.value("version").toString().section('.', 0, 0).toInt() >= 5);
        QCOMPARE(c.value("title").toString(), QStringLiteral("Test app"));
        const QJsonArray deps = c.value("dependencies").toArray();
        QCOMPARE(deps.at(0).toObject().value("api_name").toString(), QStringLiteral("add"));
        QCOMPARE(deps.at(0).toObject().value("inputs").toArray().size(), 2);
        QCOMPARE(deps.at(0).toObject().value("outputs").toArray().size(), 1);
        QCOMPARE(deps.at(3).toObject().value("types").toObject().value("generator").toBool(), true); // generate
        // Every input/output id names a component of type "api".
        QSet<int> ids;
        for (const QJsonValue &comp : c.value("components").toArray()) {
            QCOMPARE(comp.toObject().value("type").toString(), QStringLiteral("api"));
            ids.insert(comp.toObject().value("id").toInt());
        }
        for (const QJsonValue &dep : deps)
            for (const char *key : {"inputs", "outputs"})
                for (const QJsonValue &id : dep.toObject().value(QLatin1String(key)).toArray())
                    QVERIFY(ids.contains(id.toInt()));
    }

    void rootIsComputedPerRequest()
    {
        QCOMPARE(json(rawRequest(port, get("/config", "X-Forwarded-Host: gradio.dev,internal\r\nX-Forwarded-Proto: https\r\n")))
                     .value("root").toString(),
                 QStringLiteral("https://gradio.dev"));
        // One client's forwarded host must not leak into what the next one sees.
        QCOMPARE(json(rawRequest(port, get("/config/"))).value("root").toString(), QStringLiteral("http://127.0.0.1:%1").arg(port));
    }

    void info()
    {
        const QJsonObject info = json(rawRequest(port, get("/gradio_api/info")));
        QVERIFY(info.value("unnamed_endpoints").isObject());
        const QJsonObject named = info.value("named_endpoints").toObject();
        const QJsonObject add = named.value("/add").toObject();
        QCOMPARE(add.value("description").toString(), QStringLiteral("Add two numbers together."));
        const QJsonObject a = add.value("parameters").toArray().at(0).toObject();
        QCOMPARE(a.value("parameter_name").toString(), QStringLiteral("a"));
        QCOMPARE(a.value("label").toString(), QStringLiteral("1st"));
        QCOMPARE(a.value("type").toObject().value("type").toString(), QStringLiteral("integer"));
        QCOMPARE(a.value("python_type").toObject().value("type").toString(), QStringLiteral("int"));
        QCOMPARE(a.value("parameter_has_default").toBool(), false);
        QCOMPARE(a.value("component").toString(), QStringLiteral("Api"));
        QCOMPARE(add.value("returns").toArray().at(0).toObject().value("python_type").toObject().value("type").toString(),
                 QStringLiteral("int"));
        QVERIFY(add.value("code_snippets").toObject().value("python").toString().contains(QStringLiteral("api_name=\"/add\"")));

        const QJsonArray greet = named.value("/greet").toObject().value("parameters").toArray();
        QCOMPARE(greet.at(1).toObject().value("parameter_default").toInt(), 2);
        QCOMPARE(greet.at(1).toObject().value("example_input").toInt(), 2);
        QCOMPARE(greet.at(2).toObject().value("parameter_has_default").toBool(), true);
        QVERIFY(greet.at(2).toObject().value("parameter_default").isNull());
        QCOMPARE(greet.at(2).toObject().value("python_type").toObject().value("type").toString(), QStringLiteral("None | str"));
        QCOMPARE(named.value("/pick").toObject().value("parameters").toArray().at(0).toObject().value("python_type")
                     .toObject().value("type").toString(),
                 QStringLiteral("Literal['fast', 'slow']"));
        QCOMPARE(named.value("/pair").toObject().value("returns").toArray().size(), 2);
        // A batch function takes lists, but each call passes (and gets) one element.
        const QJsonObject doubled = named.value("/doubled").toObject();
        const QJsonObject integer{{QStringLiteral("type"), QStringLiteral("integer")}};
        QCOMPARE(doubled.value("parameters").toArray().at(0).toObject().value("type").toObject(), integer);
        QCOMPARE(doubled.value("returns").toArray().at(0).toObject().value("python_type").toObject().value("type").toString(),
                 QStringLiteral("int"));
        QVERIFY(doubled.value("code_snippets").toObject().value("python").toString().contains(QStringLiteral("x=3,")));

        QVERIFY(!named.contains("/hidden"));
        QVERIFY(!named.contains("/secret"));
        const QJsonObject all = json(rawRequest(port, get("/gradio_api/info?all_endpoints=true"))).value("named_endpoints").toObject();
        QVERIFY(all.contains("/hidden"));
        QVERIFY(!all.contains("/secret"));
        QVERIFY(!all.value("/add").toObject().contains("code_snippets"));
    }

    void snippetsForFileParameters()
    {
        // A file parameter gets a file in every snippet: handle_file(url) in both clients (imported),
        // a FileData object naming the URL in the bash one, which the server downloads.
        const QJsonObject snippets = json(rawRequest(port, get("/gradio_api/info")))
                                         .value("named_endpoints").toObject()
                                         .value("/echo_file").toObject()
                                         .value("code_snippets").toObject();
        const QString py = snippets.value("python").toString();
        QVERIFY2(py.startsWith(QStringLiteral("from gradio_client import Client, handle_file\n")), qPrintable(py));
        QVERIFY2(py.contains(QStringLiteral("file=handle_file(\"https://")), qPrintable(py));
        const QString js = snippets.value("javascript").toString();
        QVERIFY2(js.startsWith(QStringLiteral("import { Client, handle_file } from \"@gradio/client\";")), qPrintable(js));
        QVERIFY2(js.contains(QStringLiteral("file: handle_file(\"https://")), qPrintable(js));
        const QString bash = snippets.value("bash").toString();
        QVERIFY2(bash.contains(QStringLiteral("\"path\": \"https://")), qPrintable(bash));
        QVERIFY2(bash.contains(QStringLiteral("\"meta\": {\"_type\": \"gradio.FileData\"}")), qPrintable(bash));
        QVERIFY2(bash.startsWith(QStringLiteral("EVENT_ID=$(curl ")), qPrintable(bash));
    }

    void callFlow()
    {
        QCOMPARE(callStream("add", R"({"data":[3,5]})"), QByteArray("event: complete\ndata: [8]\n\n"));
        QCOMPARE(callStream("hello", R"({"data":["World"]})"), QByteArray("event: complete\ndata: [\"Hello, World!\"]\n\n"));
        QCOMPARE(callStream("generate", R"({"data":["a b c"]})"),
                 QByteArray("event: generating\ndata: [\"a\"]\n\nevent: generating\ndata: [\"b\"]\n\n"
                            "event: generating\ndata: [\"c\"]\n\nevent: complete\ndata: [\"c\"]\n\n"));
        QCOMPARE(callStream("fail", R"({"data":["x"]})"),
                 QByteArray("event: error\ndata: {\"error\": \"boom: x\", \"duration\": 10, \"visible\": true, \"title\": \"Error\"}\n\n"));
        // Internal errors are hidden unless showError is set.
        QCOMPARE(callStream("crash", R"({"data":[1]})"), QByteArray("event: error\ndata: {\"error\": null}\n\n"));
        QCOMPARE(callStream("greet", R"({"data":["ab"]})"), QByteArray("event: complete\ndata: [\"abab\"]\n\n"));
        QCOMPARE(callStream("pair", R"({"data":[7]})"), QByteArray("event: complete\ndata: [7, \"7\"]\n\n"));
        QCOMPARE(callStream("doubled", R"({"data":[21]})"), QByteArray("event: complete\ndata: [42]\n\n"));
        // Named arguments.
        QCOMPARE(callStream("add", R"({"a":3,"b":5})", "v2/"), QByteArray("event: complete\ndata: [8]\n\n"));
    }

    void badArgumentsNameTheParameter()
    {
        QCOMPARE(callStream("add", R"({"data":["x",5]})"),
                 QByteArray("event: error\ndata: {\"error\": \"Parameter 'a': expected integer, got string \\\"x\\\"\", "
                            "\"duration\": 10, \"visible\": true, \"title\": \"Error\"}\n\n"));
        QVERIFY(callStream("add", R"({"data":[1]})").contains("Missing value for required parameter 'b'"));
        QVERIFY(callStream("add", R"({"data":[1,2,3]})").contains("'add' takes 2 arguments but 3 were given"));
        QVERIFY(callStream("pick", R"({"data":["medium"]})").contains("Parameter 'mode': string \\\"medium\\\" is not one of"));
        RawResponse v2 = rawRequest(port, post("/gradio_api/call/v2/add", R"({"a":1,"c":2})"));
        QCOMPARE(v2.status, 422);
        QCOMPARE(json(v2).value("detail").toString(), QStringLiteral("Parameter 'c' is not a valid keyword argument"));
        v2 = rawRequest(port, post("/gradio_api/call/v2/add", R"({"a":1})"));
        QCOMPARE(json(v2).value("detail").toString(), QStringLiteral("No value provided for required argument: b"));
    }

    void run()
    {
        RawResponse r = rawRequest(port, post("/gradio_api/run/add", R"({"data":[1,2]})"));
        QCOMPARE(r.status, 200);
        QCOMPARE(json(r).value("data").toArray(), QJsonArray{3});
        QCOMPARE(json(r).value("is_generating").toBool(), false);
        r = rawRequest(port, post("/gradio_api/run/fail", R"({"data":["y"]})"));
        QCOMPARE(r.status, 500);
        QCOMPARE(json(r).value("error").toString(), QStringLiteral("boom: y"));
        r = rawRequest(port, post("/gradio_api/run/add", R"({"data":[1,"2"]})"));
        QCOMPARE(r.status, 422);
        QCOMPARE(json(r).value("error").toString(), QStringLiteral("Parameter 'b': expected integer, got string \"2\""));
        r = rawRequest(port, post("/gradio_api/run/anything", R"({"data":[2,2],"fn_index":1})")); // fn_index wins
        QCOMPARE(json(r).value("data").toArray(), QJsonArray{4});
    }

    void unknownNamesAndMalformedBodies()
    {
        RawResponse r = rawRequest(port, post("/gradio_api/call/nope", R"({"data":[]})"));
        QCOMPARE(r.status, 404);
        QVERIFY(json(r).value("detail").toString().contains(QStringLiteral("nope")));
        QCOMPARE(rawRequest(port, post("/gradio_api/call/secret", R"({"data":[]})")).status, 404); // private
        QCOMPARE(rawRequest(port, get("/gradio_api/call/add/0123")).status, 404);
        r = rawRequest(port, post("/gradio_api/call/add", "{not json"));
        QCOMPARE(r.status, 422);
        QVERIFY(json(r).value("detail").toArray().at(0).toObject().value("msg").toString().startsWith(QStringLiteral("JSON decode error")));
        QCOMPARE(rawRequest(port, post("/gradio_api/call/add", R"({"data":3})")).status, 422);
        QCOMPARE(rawRequest(port, post("/gradio_api/run/add", "[]")).status, 422);
        // Still serving.
        QCOMPARE(rawRequest(port, get("/health")).status, 200);
    }

    void customRoutesAndHooks()
    {
        RawResponse r = rawRequest(port, get("/items/42?q=a+b%21"));
        QCOMPARE(json(r).value("id").toString(), QStringLiteral("42"));
        QCOMPARE(json(r).value("q").toString(), QStringLiteral("a b!")); // '+' is a space in a query (read FullyDecoded)
        QCOMPARE(r.header("x-served-by"), QByteArray("qradio-test"));
        r = rawRequest(port, "PUT /files/a/b/c.txt HTTP/1.1\r\nHost: localhost\r\nContent-Length: 2\r\n\r\nhi");
        QCOMPARE(r.body, QByteArray("a/b/c.txt:hi"));
        // A user route wins over the built-in one on the same path.
        QCOMPARE(json(rawRequest(port, get("/gradio_api/app_id"))).value("mine").toBool(), true);
        // The calculator's own page replaces the default one.
        QVERIFY(rawRequest(port, get("/")).body.contains("<title>Calculator</title>"));
        // Before-request hook short-circuits; after-request hook sees built-in responses too.
        r = rawRequest(port, get("/private/data"));
        QCOMPARE(r.status, 401);
        QCOMPARE(r.header("x-served-by"), QByteArray("qradio-test"));
        QCOMPARE(rawRequest(port, get("/private/data", "X-API-Key: sesame\r\n")).status, 200);
        QCOMPARE(rawRequest(port, get("/config")).header("x-served-by"), QByteArray("qradio-test"));
        // The error hook turns a throwing route into its response.
        r = rawRequest(port, "DELETE /boom HTTP/1.1\r\nHost: localhost\r\n\r\n");
        QCOMPARE(r.status, 500);
        QCOMPARE(json(r).value("detail").toString(), QStringLiteral("handled: route failed"));
    }

    void defaultPageListsTheApi()
    {
        qradio::Server bare({.title = QStringLiteral("Bare")});
        bare.api("add", [](int a, int b) { return a + b; }).params({"a", "b"}).description("Adds.");
        bare.api("internal", [] { return 0; }).visibility(qradio::Visibility::Private);
        QVERIFY(bare.listen(QHostAddress::LocalHost, 0));
        const RawResponse r = rawRequest(bare.port(), "GET / HTTP/1.1\r\nHost: localhost\r\n\r\n");
        QCOMPARE(r.status, 200);
        QVERIFY(r.header("content-type").startsWith("text/html"));
        QVERIFY(r.body.contains("<title>Bare · Use via API</title>"));
        QVERIFY(r.body.contains("<code>/add</code>"));
        QVERIFY(r.body.contains("Adds."));
        QVERIFY(r.body.contains("client.predict("));       // Python and JS snippets
        QVERIFY(r.body.contains("/gradio_api/call/add")); // cURL snippet
        QVERIFY(!r.body.contains("internal"));
        const quint16 used = bare.port();
        bare.stop();
        // The port is free again at once.
        QTcpServer probe;
        QVERIFY(probe.listen(QHostAddress::LocalHost, used));
    }

    void streamEveryCoalescesUpdates()
    {
        const QList<QJsonObject> messages = queueMessages("burst", "[]", "burst-session");
        QList<QJsonObject> generating;
        for (const QJsonObject &m : messages)
            if (m.value("msg").toString() == QStringLiteral("process_generating"))
                generating.append(m);
        // 1000 values in far less than 1000 x 0.2 s: most were held back and replaced by newer ones.
        QVERIFY(!generating.isEmpty());
        QVERIFY2(generating.size() < 1000, QByteArray::number(generating.size()));
        QCOMPARE(generating.first().value("output").toObject().value("data").toArray().at(0).toInt(), 0);
        QCOMPARE(messages.at(messages.size() - 2).value("output").toObject().value("data").toArray(), QJsonArray{999});
    }

    void estimationsUseMeasuredDurations()
    {
        // No run of `measured` has finished yet: no estimate.
        const QList<QJsonObject> first = queueMessages("measured", "[2]", "eta-1");
        QCOMPARE(first.at(0).value("msg").toString(), QStringLiteral("estimation"));
        QVERIFY(first.at(0).value("rank_eta").isNull());
        QVERIFY(first.at(1).value("eta").isNull());
        // Once one has, joins are told the mean duration.
        const QList<QJsonObject> second = queueMessages("measured", "[2]", "eta-2");
        QVERIFY(second.at(0).value("rank_eta").isDouble());
        QVERIFY(second.at(0).value("rank_eta").toDouble() > 0);
        QVERIFY(second.at(1).value("eta").toDouble() > 0);
    }

    void unreadSessionsAreBounded()
    {
        qradio::Server small({.maxSessions = 3});
        small.api("add", [](int a, int b) { return a + b; }).params({"a", "b"});
        QVERIFY(small.listen(QHostAddress::LocalHost, 0));
        const QByteArray hostLine = "Host: 127.0.0.1:" + QByteArray::number(small.port()) + "\r\n";
        // Each join fails at once (bad argument), leaving a finished event nobody reads.
        for (int i = 1; i <= 5; ++i) {
            const QByteArray body = "{\"data\":[\"x\",1],\"fn_index\":0,\"session_hash\":\"s" + QByteArray::number(i) + "\"}";
            const RawResponse r = rawRequest(small.port(), "POST /gradio_api/queue/join HTTP/1.1\r\n" + hostLine
                                                 + "Content-Type: application/json\r\nContent-Length: " + QByteArray::number(body.size()) + "\r\n\r\n" + body);
            QCOMPARE(r.status, 200);
        }
        auto streamOf = [&](const QByteArray &session) {
            RawClient c;
            c.connectTo(small.port());
            c.send("GET /gradio_api/queue/data?session_hash=" + session + " HTTP/1.1\r\n" + hostLine + "\r\n");
            return c.readUntil("0\r\n\r\n");
        };
        QVERIFY(streamOf("s1").contains("session_not_found\":true")); // the oldest were dropped
        QVERIFY(streamOf("s2").contains("session_not_found\":true"));
        const QByteArray kept = streamOf("s5");
        QVERIFY(kept.contains("Parameter 'a': expected integer"));
        QVERIFY(kept.contains("close_stream"));
    }

    void startWithoutPort()
    {
        qradio::Server inProcess;
        inProcess.api("add", [](int a, int b) { return a + b; }).params({"a", "b"});
        inProcess.api("add", [](int a) { return a; }).params({"a"}); // a clashing name gets a suffix
        QCOMPARE(inProcess.endpoints().size(), 2);
        QCOMPARE(inProcess.endpoints().at(1)->name, QStringLiteral("add_1"));
        QCOMPARE(inProcess.endpoints().at(1)->id, 1);
        QVERIFY(inProcess.start());
        QVERIFY(inProcess.isListening());
        QCOMPARE(inProcess.port(), quint16(0));
        inProcess.stop();
        QVERIFY(!inProcess.isListening());
    }

private:
    //! Joins `fn` (a fn_index, or an api name looked up in /config) on its own session and returns
    //! every message of the session's stream, in order, up to close_stream.
    QList<QJsonObject> queueMessages(const QByteArray &fn, const QByteArray &data, const QByteArray &session)
    {
        int index = fn.toInt();
        if (QByteArray::number(index) != fn) {
            const QJsonArray deps = json(rawRequest(port, get("/config"))).value("dependencies").toArray();
            for (const QJsonValue &d : deps)
                if (d.toObject().value("api_name").toString() == QString::fromUtf8(fn))
                    index = d.toObject().value("id").toInt();
        }
        const RawResponse joined = rawRequest(port, post("/gradio_api/queue/join", "{\"data\":" + data + ",\"fn_index\":"
                                                                                     + QByteArray::number(index)
                                                                                     + ",\"session_hash\":\"" + session + "\"}"));
        if (joined.status != 200)
            return {};
        RawClient c;
        c.connectTo(port);
        c.send(get("/gradio_api/queue/data?session_hash=" + session));
        c.readResponse();
        c.readUntil("0\r\n\r\n", 20000);
        QList<QJsonObject> out;
        for (const QByteArray &frame : dechunk(c.buffer).split('\n'))
            if (frame.startsWith("data: "))
                out.append(QJsonDocument::fromJson(frame.mid(6)).object());
        return out;
    }

    static QByteArray dechunk(QByteArray rest)
    {
        QByteArray out;
        while (true) {
            const qsizetype eol = rest.indexOf("\r\n");
            const qsizetype size = rest.left(eol).toLongLong(nullptr, 16);
            if (eol < 0 || size == 0)
                break;
            out += rest.mid(eol + 2, size);
            rest = rest.mid(eol + 2 + size + 2);
        }
        return out;
    }

    //! POST /gradio_api/call[/v2]/<name>, then the whole SSE body of its result stream.
    QByteArray callStream(const QByteArray &name, const QByteArray &body, const QByteArray &v2 = {})
    {
        const RawResponse joined = rawRequest(port, post("/gradio_api/call/" + v2 + name, body));
        if (joined.status != 200)
            return "join failed: " + QByteArray::number(joined.status) + joined.body;
        const QByteArray id = json(joined).value("event_id").toString().toUtf8();
        RawClient c;
        c.connectTo(port);
        c.send(get("/gradio_api/call/" + v2 + name + "/" + id));
        const RawResponse head = c.readResponse();
        if (head.status != 200 || head.header("transfer-encoding") != "chunked")
            return "bad stream head " + head.statusLine;
        c.readUntil("0\r\n\r\n");
        return dechunk(c.buffer);
    }

    std::unique_ptr<qradio::Server> server;
};

QTEST_GUILESS_MAIN(tst_Api)
#include "tst_api.moc"
