// SPDX-License-Identifier: MIT
// The streaming multipart/form-data parser: each case fed whole, byte by byte and in 7-byte
// pieces (all must give the same events), bodies split at every pair of positions, each limit at
// and one past its bound, handler aborts, and a 64 MiB part through a buffer that stays small.
#include "files/multipart.h"

#include <QCryptographicHash>
#include <QtTest>

using qradio::files::MultipartParser;
using Limits = MultipartParser::Limits;
Q_DECLARE_METATYPE(MultipartParser::Limits)

namespace {

const QByteArray kBoundary = "b0undary";
const QByteArray kClose = "--" + kBoundary + "--\r\n";

QByteArray part(const QByteArray &disposition, const QByteArray &data, const QByteArray &moreHeaders = {})
{
    return "--" + kBoundary + "\r\nContent-Disposition: " + disposition + "\r\n" + moreHeaders + "\r\n" + data + "\r\n";
}

QByteArray file(const QByteArray &name, const QByteArray &data)
{
    return part("form-data; name=\"files\"; filename=\"" + name + '"', data);
}

QByteArray field(const QByteArray &name, const QByteArray &data)
{
    return part("form-data; name=\"" + name + '"', data);
}

QByteArray visible(QByteArrayView data)
{
    QByteArray out;
    for (char c : data)
        out += c == '\r' ? QByteArray("\\r") : c == '\n' ? QByteArray("\\n") : c == '\0' ? QByteArray("\\0") : QByteArray(1, c);
    return out;
}

//! Records a parse as text: "begin files file=a.txt type=text/plain", "data hello" (one per run
//! of data, however many calls brought it), "end", and last "ok" or "error 413 <message>".
class Recorder
{
public:
    explicit Recorder(Limits limits = {}, const QByteArray &boundary = kBoundary)
        : parser(boundary, limits,
                 {.partBegin = [this](const MultipartParser::Part &part) { began(part); },
                  .partData = [this](QByteArrayView data) { received(data); },
                  .partEnd = [this] { ended(); }})
    {}

    //! Feeds `body` in pieces of `step` bytes (0: whole), then finishes; returns the events.
    QByteArray run(QByteArrayView body, qsizetype step = 0)
    {
        for (qsizetype at = 0; at < body.size();) {
            const qsizetype n = step ? std::min(step, body.size() - at) : body.size() - at;
            const bool fed = parser.feed(body.sliced(at, n));
            at += n;
            maxBuffered = std::max(maxBuffered, parser.bufferedBytes());
            if (!fed)
                break;
        }
        return result();
    }

    QByteArray result()
    {
        parser.finish();
        events << (parser.hasError() ? "error " + QByteArray::number(parser.errorStatus()) + ' ' + parser.errorMessage()
                                     : QByteArray("ok"));
        return events.join(" | ");
    }

    QByteArray abortOnPart;      //!< partBegin of a part of this name fails the parse
    qint64 abortAfterBytes = -1; //!< partData fails the parse once a part has more
    bool abortOnEnd = false;
    bool recordData = true;
    qint64 partBytes = 0;
    qsizetype maxBuffered = 0;
    QCryptographicHash hash{QCryptographicHash::Sha256};
    QList<QByteArray> events;
    MultipartParser parser;

private:
    void checkNotFailed()
    {
        if (parser.hasError())
            events << "CALLBACK AFTER AN ERROR";
    }
    void began(const MultipartParser::Part &part)
    {
        checkNotFailed();
        QByteArray e = "begin " + part.name;
        if (part.isFile())
            e += " file=" + *part.fileName;
        if (!part.contentType.isEmpty())
            e += " type=" + part.contentType;
        events << e;
        partBytes = 0;
        if (!abortOnPart.isNull() && part.name == abortOnPart)
            parser.raiseError(507, "Disk full.");
    }
    void received(QByteArrayView data)
    {
        checkNotFailed();
        if (data.isEmpty())
            events << "EMPTY DATA CALL";
        maxBuffered = std::max(maxBuffered, parser.bufferedBytes());
        partBytes += data.size();
        hash.addData(data);
        if (recordData) {
            if (events.isEmpty() || !events.last().startsWith("data "))
                events << "data ";
            events.last() += visible(data);
        }
        if (abortAfterBytes >= 0 && partBytes > abortAfterBytes)
            parser.raiseError(507, "Disk full.");
    }
    void ended()
    {
        checkNotFailed();
        events << "end";
        if (abortOnEnd)
            parser.raiseError(507, "Disk full.");
    }
};

QByteArray parse(QByteArrayView body, qsizetype step = 0, Limits limits = {})
{
    return Recorder(limits).run(body, step);
}

//! A part whose headers count exactly `n` bytes as Gradio counts them (names and values).
QByteArray partWithHeaderBytes(int n, QByteArray *fileName)
{
    const QByteArray value = "form-data; name=\"a\"; filename=\"\"";
    *fileName = QByteArray(n - int(QByteArrayView("Content-Disposition").size() + value.size()), 'f');
    return part("form-data; name=\"a\"; filename=\"" + *fileName + '"', "x");
}

} // namespace

class tst_Multipart : public QObject
{
    Q_OBJECT
private slots:
    void parses_data();
    void parses();
    void splitEverywhere_data();
    void splitEverywhere();
    void handlerAborts();
    void errorsAreFinal();
    void refusesAnInvalidBoundary();
    void boundaryFromContentType_data();
    void boundaryFromContentType();
    void memoryStaysFlat();
};

void tst_Multipart::parses_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<Limits>("limits");
    QTest::addColumn<QByteArray>("expected");
    const auto row = [](const char *name, const QByteArray &body, const QByteArray &expected, Limits limits = {}) {
        QTest::newRow(name) << body << limits << expected;
    };
    const QByteArray nul("PNG\0\r\ndata", 10);
    // What clients send.
    row("one file", part("form-data; name=\"files\"; filename=\"a.txt\"", "hello", "Content-Type: text/plain\r\n") + kClose,
        "begin files file=a.txt type=text/plain | data hello | end | ok");
    row("files and fields", field("a", "1") + part("form-data; name=\"files\"; filename=\"x.png\"", nul, "Content-Type: image/png\r\n")
            + file("y", "yy") + field("b", "two words") + kClose,
        "begin a | data 1 | end | begin files file=x.png type=image/png | data PNG\\0\\r\\ndata | end | begin files file=y | data yy | end"
        " | begin b | data two words | end | ok");
    row("empty file and field", file("", "") + field("e", "") + kClose, "begin files file= | end | begin e | end | ok");
    row("empty form", kClose, "ok");
    row("no CRLF after the closing boundary", field("a", "1") + "--" + kBoundary + "--", "begin a | data 1 | end | ok");
    row("preamble and epilogue ignored", "garbage--" + kBoundary + "\r\n--" + kBoundary + "X\r\n" + field("a", "1") + kClose
            + "epilogue\r\n" + field("b", "2"), "begin a | data 1 | end | ok");
    row("transport padding", "--" + kBoundary + " \t\r\nContent-Disposition: form-data; name=a\r\n\r\n1\r\n--" + kBoundary + "--  \r\n",
        "begin a | data 1 | end | ok");
    const QByteArray lookalikes = "a\r\n--b0undar\r\n-\r\n--\r\n--b0undaryX\r\r\n--b0undarz--b0undary\n--b0undary\r\n--b0undary2\r\n";
    row("delimiter look-alikes in data", field("a", lookalikes) + kClose, "begin a | data " + visible(lookalikes) + " | end | ok");
    row("CR right before the delimiter", field("a", "x\r") + kClose, "begin a | data x\\r | end | ok");
    // Names: RFC 6266 / 7578 unquoting, filename*, case and whitespace.
    row("escaped quote and backslashes", part(R"(form-data; name="a\"b"; filename="x\\y\z.txt")", "") + kClose,
        R"(begin a"b file=x\y\z.txt | end | ok)");
    row("filename* UTF-8", part("form-data; name=files; filename*=UTF-8''%E2%82%AC%20rates.txt", "") + kClose,
        "begin files file=\xE2\x82\xAC rates.txt | end | ok");
    row("filename* ISO-8859-1", part("form-data; name=files; filename*=iso-8859-1'fr'%E9t%E9.txt", "") + kClose,
        "begin files file=\xC3\xA9t\xC3\xA9.txt | end | ok");
    row("filename* wins", part("form-data; filename*=utf-8''real.txt; name=files; filename=\"fallback.txt\"", "") + kClose,
        "begin files file=real.txt | end | ok");
    row("unquoted values", part("form-data; name=files; filename=a.txt", "") + kClose, "begin files file=a.txt | end | ok");
    row("separators inside quotes", part("form-data; name=\"files\"; filename=\"a;b=c \\\"d\\\".txt\"", "") + kClose,
        "begin files file=a;b=c \"d\".txt | end | ok");
    row("raw UTF-8 name", file("\xC3\xA9.txt", "") + kClose, "begin files file=\xC3\xA9.txt | end | ok");
    row("case-insensitive names", "--" + kBoundary + "\r\nCONTENT-DISPOSITION: Form-Data; NAME=\"x\"; FileName=\"y\"\r\ncontent-type: Text/Plain\r\n\r\n\r\n" + kClose,
        "begin x file=y type=Text/Plain | end | ok");
    row("whitespace, empty and unknown parameters, other headers",
        "--" + kBoundary + "\r\nX-Other: 1\r\nContent-Disposition:\t form-data ;  name = \"x\" ;; foo=bar ;\t\r\nContent-Type:text/plain \r\n\r\nv\r\n" + kClose,
        "begin x type=text/plain | data v | end | ok");
    // Refusals.
    const QByteArray open = "--" + kBoundary + "\r\n";
    const auto badHeader = [&](const char *name, const QByteArray &headers, const QByteArray &message) {
        row(name, open + headers + "\r\n\r\n" + kClose, "error " + message);
    };
    badHeader("no Content-Disposition", "Content-Type: text/plain", "400 A part has no Content-Disposition header.");
    row("no headers at all", open + "\r\nx\r\n" + kClose, "error 400 A part has no Content-Disposition header.");
    badHeader("not form-data", "Content-Disposition: attachment; name=a", "400 A part's Content-Disposition is not form-data.");
    badHeader("no name", "Content-Disposition: form-data; filename=a", "400 The Content-Disposition header field \"name\" must be provided.");
    badHeader("repeated parameter", "Content-Disposition: form-data; name=a; NAME=b", "400 A part has a malformed Content-Disposition header.");
    badHeader("unterminated quote", "Content-Disposition: form-data; name=\"a", "400 A part has a malformed Content-Disposition header.");
    badHeader("parameter without value", "Content-Disposition: form-data; name", "400 A part has a malformed Content-Disposition header.");
    badHeader("junk after a quoted value", "Content-Disposition: form-data; name=\"a\"b", "400 A part has a malformed Content-Disposition header.");
    badHeader("two Content-Disposition", "Content-Disposition: form-data; name=a\r\ncontent-disposition: form-data; name=b",
              "400 A part has two content-disposition headers.");
    badHeader("two Content-Type", "Content-Disposition: form-data; name=a\r\nContent-Type: a/b\r\nContent-Type: c/d",
              "400 A part has two Content-Type headers.");
    badHeader("bad percent in filename*", "Content-Disposition: form-data; name=a; filename*=UTF-8''%E2%8", "400 A part has a malformed filename* parameter.");
    badHeader("unknown charset in filename*", "Content-Disposition: form-data; name=a; filename*=koi8-r''x", "400 A part has a malformed filename* parameter.");
    badHeader("filename* without quotes", "Content-Disposition: form-data; name=a; filename*=x.txt", "400 A part has a malformed filename* parameter.");
    badHeader("no colon", "Content-Disposition form-data", "400 Malformed part header line.");
    badHeader("empty header name", ": x", "400 Malformed part header line.");
    badHeader("space before the colon", "Content-Disposition : form-data; name=a", "400 Malformed part header line.");
    badHeader("folded line", "Content-Disposition: form-data;\r\n name=a", "400 Folded part header lines are not supported.");
    badHeader("NUL", QByteArray("Content-Disposition: form-data; name=a\0", 39), "400 A part header has a control character.");
    badHeader("control character", "Content-Disposition: form-data; name=\"a\x01\"", "400 A part header has a control character.");
    badHeader("DEL", "Content-Disposition: form-data; name=a\x7f", "400 A part header has a control character.");
    badHeader("bare CR", "Content-Disposition: form-data; name=a\rb", "400 A part header line has a CR without an LF.");
    row("bare LF ending a header line", open + "Content-Disposition: form-data; name=a\n\r\nx\r\n" + kClose, "error 400 Part header lines must end in CRLF.");
    row("bare LF line ends throughout", "--" + kBoundary + "\nContent-Disposition: form-data; name=a\n\nx\n--" + kBoundary + "--\n",
        "error 400 The body has no multipart boundary.");
    row("junk after a boundary", "--" + kBoundary + " x\r\n" + kClose, "error 400 Malformed multipart boundary line.");
    row("CR without LF after a boundary", "--" + kBoundary + "\rx" + kClose, "error 400 Malformed multipart boundary line.");
    row("one dash after a boundary", field("a", "1") + "--" + kBoundary + "-x", "begin a | data 1 | end | error 400 Malformed closing multipart boundary.");
    row("a delimiter with junk inside data", field("a", "1\r\n--" + kBoundary + "-x"),
        "begin a | data 1 | end | error 400 Malformed closing multipart boundary.");
    row("empty body", "", "error 400 The body has no multipart boundary.");
    row("no boundary", "just some text\r\n--otherboundary\r\n", "error 400 The body has no multipart boundary.");
    const QByteArray ended = "error 400 The multipart body ended before its closing boundary.";
    row("ends in headers", open + "Content-Dispo", ended);
    row("ends in data", open + "Content-Disposition: form-data; name=a\r\n\r\nhel", "begin a | data hel | " + ended);
    row("ends in a delimiter", field("a", "hello") + "--" + kBoundary.first(3), "begin a | data hello | " + ended);
    row("no closing boundary", field("a", "1"), "begin a | data 1 | " + ended);
    row("ends after a boundary line", field("a", "1") + open, "begin a | data 1 | end | " + ended);
    // Limits, at and one past each bound.
    row("file at the limit", file("f", "0123456789") + kClose, "begin files file=f | data 0123456789 | end | ok", {.maxFileBytes = 10});
    row("file one past the limit", file("f", "0123456789A") + kClose,
        "begin files file=f | data 0123456789 | error 413 File size exceeded maximum allowed size of 10 bytes.", {.maxFileBytes = 10});
    row("file one past the limit with a CR", file("f", "0123456789\r\n--b0undar") + kClose,
        "begin files file=f | data 0123456789 | error 413 File size exceeded maximum allowed size of 10 bytes.", {.maxFileBytes = 10});
    row("empty file at a zero limit", file("f", "") + kClose, "begin files file=f | end | ok", {.maxFileBytes = 0});
    row("field at the limit", field("a", "abcde") + file("f", "longer than five") + kClose,
        "begin a | data abcde | end | begin files file=f | data longer than five | end | ok", {.maxFieldBytes = 5});
    row("field one past the limit", field("a", "abcdef") + kClose,
        "begin a | data abcde | error 413 Field exceeded maximum allowed size of 5 bytes.", {.maxFieldBytes = 5});
    row("files at the limit", file("1", "") + field("a", "") + file("2", "") + kClose,
        "begin files file=1 | end | begin a | end | begin files file=2 | end | ok", {.maxFiles = 2});
    row("files one past the limit", file("1", "") + file("2", "") + file("3", "") + kClose,
        "begin files file=1 | end | begin files file=2 | end | error 400 Too many files. Maximum number of files is 2.", {.maxFiles = 2});
    row("fields at the limit", field("a", "") + file("1", "") + field("b", "") + kClose,
        "begin a | end | begin files file=1 | end | begin b | end | ok", {.maxFields = 2});
    row("fields one past the limit", field("a", "") + field("b", "") + field("c", "") + kClose,
        "begin a | end | begin b | end | error 400 Too many fields. Maximum number of fields is 2.", {.maxFields = 2});
    QByteArray name;
    const QByteArray atLimit = partWithHeaderBytes(8192, &name);
    row("headers at the limit, in each part", atLimit + atLimit + kClose,
        "begin a file=" + name + " | data x | end | begin a file=" + name + " | data x | end | ok");
    row("headers one past the limit", partWithHeaderBytes(8193, &name) + kClose, "error 413 Headers exceeded maximum allowed size of 8192 bytes.");
    // Content-Type (12) + text/plain (10), and whitespace after a colon is not counted.
    const QByteArray small = part("form-data; name=a", "", "Content-Type: \t text/plain\r\n") + kClose;
    row("headers summed at the limit", small, "begin a type=text/plain | end | ok", {.maxHeaderBytes = 19 + 17 + 22});
    row("headers summed one past the limit", small, "error 413 Headers exceeded maximum allowed size of 57 bytes.", {.maxHeaderBytes = 57});
}

void tst_Multipart::parses()
{
    QFETCH(QByteArray, body);
    QFETCH(Limits, limits);
    QFETCH(QByteArray, expected);
    QCOMPARE(parse(body, 0, limits), expected);
    QCOMPARE(parse(body, 1, limits), expected);
    QCOMPARE(parse(body, 7, limits), expected);
}

void tst_Multipart::splitEverywhere_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<Limits>("limits");
    const QByteArray data = "\r\n--b0undar\r\r\n--b0undaryX--b0undary\r\n";
    QTest::newRow("parts") << "pre\r\n--" + kBoundary + " \r\n" + "Content-Disposition: form-data; name=a; filename*=UTF-8''%41\r\n\r\n" + data
                                  + "\r\n" + field("b", "") + file("c", "\r\n") + kClose + "epi"
                           << Limits{};
    QTest::newRow("file too large") << file("c", data + data) << Limits{.maxFileBytes = 50};
    QTest::newRow("headers too large") << field("a", "x") + part("form-data; name=b", "", "X: 123456789\r\n") << Limits{.maxHeaderBytes = 40};
}

void tst_Multipart::splitEverywhere()
{
    QFETCH(QByteArray, body);
    QFETCH(Limits, limits);
    const QByteArray whole = parse(body, 0, limits);
    for (qsizetype p = 0; p <= body.size(); ++p) {
        for (qsizetype q = p; q <= body.size(); ++q) {
            Recorder r(limits);
            if (r.parser.feed(QByteArrayView(body).first(p)) && r.parser.feed(QByteArrayView(body).sliced(p, q - p)))
                r.parser.feed(QByteArrayView(body).sliced(q));
            const QByteArray split = r.result();
            if (split != whole)
                QFAIL(qPrintable(QStringLiteral("split at %1 and %2:\n%3\nwhole:\n%4")
                                     .arg(p).arg(q).arg(QString::fromUtf8(split), QString::fromUtf8(whole))));
        }
    }
}

void tst_Multipart::handlerAborts()
{
    const QByteArray body = field("a", "1") + field("stop", "2") + field("c", "3") + kClose;
    for (qsizetype step : {0, 1, 7}) {
        Recorder r;
        r.abortOnPart = "stop";
        QCOMPARE(r.run(body, step), "begin a | data 1 | end | begin stop | error 507 Disk full.");
        Recorder atEnd;
        atEnd.abortOnEnd = true;
        QCOMPARE(atEnd.run(body, step), "begin a | data 1 | end | error 507 Disk full.");
    }
    // In partData: the rest of the bytes fed are not passed on.
    Recorder whole;
    whole.abortAfterBytes = 3;
    QCOMPARE(whole.run(field("a", "hello world") + kClose), "begin a | data hello world | error 507 Disk full.");
    Recorder bytewise;
    bytewise.abortAfterBytes = 3;
    QCOMPARE(bytewise.run(field("a", "hello world") + kClose, 1), "begin a | data hell | error 507 Disk full.");
}

void tst_Multipart::errorsAreFinal()
{
    Recorder r;
    QVERIFY(r.parser.feed(field("a", "1")));
    r.parser.raiseError(500, "First.");
    r.parser.raiseError(400, "Second.");
    QVERIFY(!r.parser.feed(field("b", "2") + kClose));
    QVERIFY(!r.parser.finish());
    QCOMPARE(r.parser.errorStatus(), 500);
    QCOMPARE(r.parser.errorMessage(), "First.");
    QCOMPARE(r.events.join(" | "), "begin a | data 1");
    QCOMPARE(r.parser.bufferedBytes(), 0);

    Recorder done;
    QCOMPARE(done.run(field("a", "1") + kClose), "begin a | data 1 | end | ok");
    QVERIFY(done.parser.isComplete());
    QVERIFY(done.parser.feed("anything after the end is epilogue"));
    QVERIFY(done.parser.finish());
}

void tst_Multipart::refusesAnInvalidBoundary()
{
    for (const QByteArray &boundary : {QByteArray(), QByteArray("a "), QByteArray("a\r"), QByteArray("a\nb"), QByteArray("a;b"),
                                       QByteArray("\"ab\""), QByteArray("\xC3\xA9"), QByteArray(71, 'a')}) {
        MultipartParser parser(boundary, {}, {});
        QVERIFY2(parser.hasError(), boundary.constData());
        QCOMPARE(parser.errorStatus(), 400);
        QCOMPARE(parser.errorMessage(), "Invalid multipart boundary.");
        QVERIFY(!parser.feed("--x--\r\n"));
    }
    const QByteArray longest(70, 'z');
    QVERIFY(MultipartParser::isValidBoundary(longest));
    QVERIFY(MultipartParser::isValidBoundary("'()+_,-./:=? a"));
    QCOMPARE(Recorder({}, longest).run("--" + longest + "\r\nContent-Disposition: form-data; name=a\r\n\r\n1\r\n--" + longest + "--"),
             "begin a | data 1 | end | ok");
}

void tst_Multipart::boundaryFromContentType_data()
{
    QTest::addColumn<QByteArray>("contentType");
    QTest::addColumn<QByteArray>("boundary"); // empty: refused
    const auto row = [](const char *name, const QByteArray &contentType, const QByteArray &boundary) {
        QTest::newRow(name) << contentType << boundary;
    };
    row("browser", "multipart/form-data; boundary=----WebKitFormBoundary7MA4YWxkTrZu0gW", "----WebKitFormBoundary7MA4YWxkTrZu0gW");
    row("undici", "multipart/form-data; boundary=----formdata-undici-0.5", "----formdata-undici-0.5");
    row("case-insensitive", "Multipart/Form-Data; BOUNDARY=abc", "abc");
    row("quoted", "multipart/form-data; boundary=\"a b:c=d?\"", "a b:c=d?");
    row("escaped quote inside quotes is still refused", "multipart/form-data; boundary=\"a\\\"b\"", "");
    row("other parameters", "multipart/form-data;charset=utf-8 ; boundary=xyz; foo=\"bar;baz\"", "xyz");
    row("trailing semicolon", "multipart/form-data; boundary=xyz;", "xyz");
    row("70 characters", "multipart/form-data; boundary=" + QByteArray(70, 'q'), QByteArray(70, 'q'));
    row("71 characters", "multipart/form-data; boundary=" + QByteArray(71, 'q'), "");
    row("other type", "multipart/mixed; boundary=abc", "");
    row("urlencoded", "application/x-www-form-urlencoded", "");
    row("prefix of the type", "multipart/form-datax; boundary=abc", "");
    row("no boundary", "multipart/form-data", "");
    row("empty boundary", "multipart/form-data; boundary=", "");
    row("empty quoted boundary", "multipart/form-data; boundary=\"\"", "");
    row("ends in a space", "multipart/form-data; boundary=\"abc \"", "");
    row("invalid character", "multipart/form-data; boundary=\"ab@c\"", "");
    row("space in an unquoted value", "multipart/form-data; boundary=a b", "");
    row("repeated boundary", "multipart/form-data; boundary=abc; boundary=abc", "");
    row("unterminated quote", "multipart/form-data; boundary=\"abc", "");
    row("parameter without a value", "multipart/form-data; boundary=abc; x", "");
    row("empty", "", "");
}

void tst_Multipart::boundaryFromContentType()
{
    QFETCH(QByteArray, contentType);
    QFETCH(QByteArray, boundary);
    const auto found = MultipartParser::boundaryFromContentType(contentType);
    QCOMPARE(found.value_or(QByteArray()), boundary);
}

void tst_Multipart::memoryStaysFlat()
{
    // 64 MiB in 64 KiB reads; each read ends inside a delimiter look-alike that the next one breaks.
    constexpr int kReads = 1024;
    QByteArray chunk(64 * 1024, Qt::Uninitialized);
    quint32 seed = 12345;
    for (char &c : chunk) {
        seed = seed * 1103515245 + 12345;
        c = (seed >> 16) % 8 == 0 ? '\r' : char(seed >> 24);
    }
    chunk.replace(chunk.size() - 7, 7, "\r\n--b0u");
    QCryptographicHash expected(QCryptographicHash::Sha256);
    Recorder r({.maxFileBytes = qint64(kReads) * chunk.size()});
    r.recordData = false;
    QVERIFY(r.parser.feed(part("form-data; name=\"files\"; filename=\"big.bin\"", {}).chopped(2)));
    for (int i = 0; i < kReads; ++i) {
        QVERIFY(r.parser.feed(chunk));
        expected.addData(chunk);
        QVERIFY(r.parser.bufferedBytes() <= kBoundary.size() + 4);
    }
    QVERIFY(r.parser.feed("\r\n" + kClose));
    QCOMPARE(r.result(), "begin files file=big.bin | end | ok");
    QCOMPARE(r.partBytes, qint64(kReads) * chunk.size());
    QCOMPARE(r.hash.result(), expected.result());
    QVERIFY2(r.maxBuffered <= kBoundary.size() + 4, QByteArray::number(r.maxBuffered).constData());
}

QTEST_GUILESS_MAIN(tst_Multipart)
#include "tst_multipart.moc"
