// SPDX-License-Identifier: MIT
// Schema deduction, python_type rendering, strict JSON conversion and endpoint invokers.
#include <qradio/invoker.h>

#include <QtTest>

using namespace qradio;

namespace {
QJsonObject obj(const char *json) { return QJsonDocument::fromJson(json).object(); }

template<typename T>
QString convertError(const QJsonValue &v)
{
    QString error;
    auto out = TypeInfo<T>::fromJson(v, &error);
    return out ? QString() : error;
}

struct Point
{
    int x = 0;
    int y = 0;
};
} // namespace

template<>
struct qradio::TypeInfo<Point>
{
    static QJsonObject schema()
    {
        return obj(R"({"type":"object","properties":{"x":{"type":"integer"},"y":{"type":"integer"}},"required":["x","y"]})");
    }
    static std::optional<Point> fromJson(const QJsonValue &v, QString *error)
    {
        auto x = TypeInfo<int>::fromJson(v[QLatin1String("x")], error);
        auto y = TypeInfo<int>::fromJson(v[QLatin1String("y")], error);
        if (!v.isObject() || !x || !y)
            return std::nullopt;
        return Point{*x, *y};
    }
    static QJsonValue toJson(const Point &p) { return QJsonObject{{QStringLiteral("x"), p.x}, {QStringLiteral("y"), p.y}}; }
};

class tst_Types : public QObject
{
    Q_OBJECT
private slots:
    void schemas_data()
    {
        QTest::addColumn<QJsonObject>("schema");
        QTest::addColumn<QJsonObject>("expected");
        QTest::addColumn<QString>("python");
        QTest::newRow("int") << TypeInfo<int>::schema() << obj(R"({"type":"integer"})") << "int";
        QTest::newRow("qint64") << TypeInfo<qint64>::schema() << obj(R"({"type":"integer"})") << "int";
        QTest::newRow("double") << TypeInfo<double>::schema() << obj(R"({"type":"number"})") << "float";
        QTest::newRow("bool") << TypeInfo<bool>::schema() << obj(R"({"type":"boolean"})") << "bool";
        QTest::newRow("QString") << TypeInfo<QString>::schema() << obj(R"({"type":"string"})") << "str";
        QTest::newRow("std::string") << TypeInfo<std::string>::schema() << obj(R"({"type":"string"})") << "str";
        QTest::newRow("bytes") << TypeInfo<QByteArray>::schema() << obj(R"({"type":"string","format":"byte"})") << "str";
        QTest::newRow("QList<int>") << TypeInfo<QList<int>>::schema()
                                    << obj(R"({"type":"array","items":{"type":"integer"}})") << "list[int]";
        QTest::newRow("vector<string>") << TypeInfo<std::vector<std::string>>::schema()
                                        << obj(R"({"type":"array","items":{"type":"string"}})") << "list[str]";
        QTest::newRow("QStringList") << TypeInfo<QStringList>::schema()
                                     << obj(R"({"type":"array","items":{"type":"string"}})") << "list[str]";
        QTest::newRow("optional<int>") << TypeInfo<std::optional<int>>::schema()
                                       << obj(R"({"oneOf":[{"type":"null"},{"type":"integer"}]})") << "None | int";
        QTest::newRow("QJsonValue") << TypeInfo<QJsonValue>::schema() << QJsonObject() << "Any";
        QTest::newRow("QJsonObject") << TypeInfo<QJsonObject>::schema()
                                     << obj(R"({"type":"object","additionalProperties":{}})") << "dict(str, Any)";
        QTest::newRow("QJsonArray") << TypeInfo<QJsonArray>::schema() << obj(R"({"type":"array","items":{}})")
                                    << "list[Any]";
        QTest::newRow("QMap<QString,double>") << TypeInfo<QMap<QString, double>>::schema()
                                              << obj(R"({"type":"object","additionalProperties":{"type":"number"}})")
                                              << "dict(str, float)";
        QTest::newRow("nested") << TypeInfo<QList<std::optional<QString>>>::schema()
                                << obj(R"({"type":"array","items":{"oneOf":[{"type":"null"},{"type":"string"}]}})")
                                << "list[None | str]";
        QTest::newRow("custom") << TypeInfo<Point>::schema() << TypeInfo<Point>::schema() << "dict(x: int, y: int)";
    }
    void schemas()
    {
        QFETCH(QJsonObject, schema);
        QFETCH(QJsonObject, expected);
        QFETCH(QString, python);
        QCOMPARE(schema, expected);
        QCOMPARE(pythonTypeFromSchema(schema), python);
    }

    void pythonTypeOfOtherSchemas()
    {
        QCOMPARE(pythonTypeFromSchema(obj(R"({"enum":["a","b"]})")), QStringLiteral("Literal['a', 'b']"));
        QCOMPARE(pythonTypeFromSchema(obj(R"({"const":"x"})")), QStringLiteral("Literal[x]"));
        QCOMPARE(pythonTypeFromSchema(obj(R"({"type":"array","prefixItems":[{"type":"integer"},{"type":"string"}]})")),
                 QStringLiteral("tuple[int, str]"));
        // Gradio's /info fails on a bare array schema; ours must still render it.
        QCOMPARE(pythonTypeFromSchema(obj(R"({"type":"array"})")), QStringLiteral("list[Any]"));
        QCOMPARE(pythonTypeFromSchema(obj(R"({"anyOf":[{"type":"integer"},{"type":"string"}]})")), QStringLiteral("int | str"));
        QCOMPARE(pythonTypeFromSchema(obj(R"({"type":"object","properties":{"path":{"type":"string"},
            "meta":{"type":"object","properties":{"_type":{"const":"gradio.FileData"}}}}})")),
                 QStringLiteral("filepath"));
    }

    void strictConversion()
    {
        QCOMPARE(*TypeInfo<int>::fromJson(3, nullptr), 3);
        QCOMPARE(*TypeInfo<int>::fromJson(3.0, nullptr), 3);
        QCOMPARE(convertError<int>(3.5), QStringLiteral("expected integer, got number 3.5"));
        QCOMPARE(convertError<int>(QStringLiteral("3")), QStringLiteral("expected integer, got string \"3\""));
        QCOMPARE(convertError<int>(true), QStringLiteral("expected integer, got boolean true"));
        QCOMPARE(convertError<int>(QJsonValue()), QStringLiteral("expected integer, got null"));
        QCOMPARE(convertError<qint32>(qint64(1) << 40), QStringLiteral("integer 1099511627776 is out of range"));
        QCOMPARE(convertError<quint8>(-1), QStringLiteral("integer -1 is out of range"));
        QCOMPARE(*TypeInfo<qint64>::fromJson(qint64(1) << 50, nullptr), qint64(1) << 50);
        QCOMPARE(convertError<double>(QStringLiteral("1")), QStringLiteral("expected number, got string \"1\""));
        QCOMPARE(convertError<bool>(1), QStringLiteral("expected boolean, got number 1"));
        QCOMPARE(convertError<QString>(1), QStringLiteral("expected string, got number 1"));
        QCOMPARE(convertError<QList<int>>(QJsonArray{1, QStringLiteral("x")}),
                 QStringLiteral("item 1: expected integer, got string \"x\""));
        QCOMPARE(convertError<QList<int>>(QJsonObject()), QStringLiteral("expected array, got an object"));
        using IntMap = QMap<QString, int>;
        QCOMPARE(convertError<IntMap>(QJsonObject{{QStringLiteral("k"), 1.5}}),
                 QStringLiteral("key \"k\": expected integer, got number 1.5"));
        QCOMPARE(convertError<QByteArray>(QStringLiteral("not base64!")),
                 QStringLiteral("expected base64 bytes, got a string that is not base64"));
        QCOMPARE(*TypeInfo<QByteArray>::fromJson(QStringLiteral("aGk="), nullptr), QByteArray("hi"));
        QVERIFY(!TypeInfo<std::optional<int>>::fromJson(QJsonValue(), nullptr)->has_value());
        QCOMPARE(**TypeInfo<std::optional<int>>::fromJson(4, nullptr), 4);
        QCOMPARE(convertError<std::optional<int>>(QStringLiteral("4")), QStringLiteral("expected integer, got string \"4\""));
    }

    void roundTrips()
    {
        const QList<QString> list{QStringLiteral("a"), QStringLiteral("b")};
        QCOMPARE(*TypeInfo<QList<QString>>::fromJson(TypeInfo<QList<QString>>::toJson(list), nullptr), list);
        const std::map<std::string, int> map{{"x", 1}, {"y", 2}};
        using Map = std::map<std::string, int>;
        QVERIFY(*TypeInfo<Map>::fromJson(TypeInfo<Map>::toJson(map), nullptr) == map);
        QCOMPARE(TypeInfo<double>::toJson(std::numeric_limits<double>::infinity()), QJsonValue()); // JSON has no inf
    }

    void invokerDeducesParametersAndOutputs()
    {
        auto add = detail::makeInvoker([](int a, int b) { return a + b; });
        QCOMPARE(add.paramSchemas.size(), 2);
        QCOMPARE(add.returnSchemas, QList<QJsonObject>{obj(R"({"type":"integer"})")});
        QVERIFY(!add.generator && !add.coroutine);
        Context none(nullptr);
        const QStringList ab{QStringLiteral("a"), QStringLiteral("b")};
        QCOMPARE(add.run(none, QJsonArray{3, 5}, ab, {}), QJsonArray{8});

        auto withContext = detail::makeInvoker([](Context &, const QString &s, std::optional<int> n) {
            return std::tuple<QString, int>(s, n.value_or(-1));
        });
        QCOMPARE(withContext.paramSchemas.size(), 2); // the Context is injected, not a parameter
        QCOMPARE(withContext.returnSchemas.size(), 2); // a tuple is one output per element
        const QStringList names{QStringLiteral("s"), QStringLiteral("n")};
        const QJsonArray out = withContext.run(none, QJsonArray{QStringLiteral("x"), QJsonValue()}, names, {});
        QCOMPARE(out, (QJsonArray{QStringLiteral("x"), -1}));

        auto nothing = detail::makeInvoker([](int) {});
        QCOMPARE(nothing.returnSchemas.size(), 0);
        QCOMPARE(nothing.run(none, QJsonArray{1}, {QStringLiteral("x")}, {}), QJsonArray());

        auto task = detail::makeInvoker([](int x) -> QCoro::Task<int> { co_return x; });
        QVERIFY(task.coroutine && !task.generator);
        auto gen = detail::makeInvoker([](int n) -> QCoro::AsyncGenerator<int> {
            for (int i = 0; i < n; ++i)
                co_yield i;
        });
        QVERIFY(gen.coroutine && gen.generator);
        QCOMPARE(gen.returnSchemas, QList<QJsonObject>{obj(R"({"type":"integer"})")});
    }

    void streamFunctionsYieldEveryValue()
    {
        auto count = detail::makeInvoker([](Stream<int> &out, int n) {
            for (int i = 1; i <= n; ++i)
                out(i);
        });
        QVERIFY(count.generator && !count.coroutine);
        QCOMPARE(count.paramSchemas.size(), 1);
        QList<QJsonArray> seen;
        Context none(nullptr);
        const QJsonArray last = count.run(none, QJsonArray{3}, {QStringLiteral("n")}, [&](const QJsonArray &o) { seen.append(o); });
        QCOMPARE(seen, (QList<QJsonArray>{QJsonArray{1}, QJsonArray{2}, QJsonArray{3}}));
        QCOMPARE(last, QJsonArray{3});
        // A stream that yields nothing ends with null outputs.
        QCOMPARE(count.run(none, QJsonArray{0}, {QStringLiteral("n")}, {}), QJsonArray{QJsonValue()});
    }

    void coroutinesRun()
    {
        auto gen = detail::makeInvoker([](QString s) -> QCoro::AsyncGenerator<QString> {
            for (QString w : s.split(QLatin1Char(' ')))
                co_yield w;
        });
        QList<QJsonArray> seen;
        QJsonArray result;
        bool done = false;
        // GCC 12 cannot compile QStringLiteral inside a coroutine body: build values outside.
        const QStringList names{QStringLiteral("s")};
        const QJsonArray args{QStringLiteral("a b c")};
        auto consume = [&]() -> QCoro::Task<> {
            result = co_await gen.runAsync(Context(nullptr), args, names, [&](const QJsonArray &o) { seen.append(o); });
            done = true;
        };
        consume();
        QTRY_VERIFY(done);
        QCOMPARE(seen.size(), 3);
        QCOMPARE(result, QJsonArray{QStringLiteral("c")});
    }

    void argumentErrorsNameTheParameter()
    {
        auto add = detail::makeInvoker([](int a, int b) { return a + b; });
        try {
            add.validate(QJsonArray{1, QStringLiteral("x")}, {QStringLiteral("a"), QStringLiteral("b")});
            QFAIL("no error");
        } catch (const ArgumentError &e) {
            QCOMPARE(e.parameter(), QStringLiteral("b"));
            QCOMPARE(e.message(), QStringLiteral("Parameter 'b': expected integer, got string \"x\""));
        }
        auto custom = detail::makeInvoker([](Point p) { return p.x + p.y; });
        Context none(nullptr);
        const QJsonArray sum = custom.run(none, QJsonArray{QJsonObject{{QStringLiteral("x"), 1}, {QStringLiteral("y"), 2}}},
                                          {QStringLiteral("p")}, {});
        QCOMPARE(sum, QJsonArray{3});
    }
};

QTEST_GUILESS_MAIN(tst_Types)
#include "tst_types.moc"
