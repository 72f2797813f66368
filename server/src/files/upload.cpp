// SPDX-License-Identifier: MIT
#include "upload.h"

#include "../http/exchange.h"
#include "filename.h"
#include "filestore.h"
#include "multipart.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTimer>

namespace qradio::files {

using http::Exchange;
using http::RequestBody;

namespace {

//! Room for a form's framing around one file when checking the Content-Length against maxFileSize.
constexpr qint64 kFormFraming = 64 * 1024;

//! One upload request in flight: the parser, the file being written and what was written.
class Upload : public std::enable_shared_from_this<Upload>
{
public:
    Upload(const RouteContext &context, Exchange *exchange, QByteArray boundary, std::shared_ptr<UploadProgress> progress,
           QString uploadId)
        : m_context(context), m_exchange(exchange), m_progress(std::move(progress)), m_uploadId(std::move(uploadId)),
          m_parser(std::move(boundary), limits(*context.options),
                   {[this](const MultipartParser::Part &p) { partBegin(p); }, [this](QByteArrayView d) { partData(d); },
                    [this] { partEnd(); }})
    {
        if (!m_uploadId.isEmpty())
            m_progress->begin(m_uploadId);
    }
    ~Upload() { discard(); } // the client went away mid-way: nothing of it stays

    void take(QByteArrayView bytes)
    {
        if (!m_answered && !m_parser.feed(bytes))
            answerError();
    }
    void end()
    {
        if (m_answered)
            return;
        if (!m_parser.finish()) {
            answerError();
            return;
        }
        QJsonArray paths;
        for (const QString &p : std::as_const(m_written))
            paths.append(p);
        m_written.clear(); // kept: they are the client's now
        m_folders.clear();
        if (!m_uploadId.isEmpty())
            m_progress->finish(m_uploadId);
        answer(Response::json(paths));
    }
    void fail(int status, const QString &message, bool json = false)
    {
        answer(json ? Response::error(status, message) : Response::text(message, status));
    }

private:
    static MultipartParser::Limits limits(const ServerOptions &o)
    {
        MultipartParser::Limits l;
        l.maxFileBytes = o.maxFileSize;
        return l;
    }
    void partBegin(const MultipartParser::Part &part)
    {
        if (!part.isFile() || part.name != "files")
            return; // other fields are parsed (within their limits) and ignored, as Gradio does
        const QString raw = QString::fromUtf8(*part.fileName);
        if (raw == QLatin1String("..") || raw == QLatin1String(".")) {
            m_refusal = Response::error(400, QStringLiteral("Invalid file name: %1").arg(raw));
            m_parser.raiseError(400, "Invalid file name.");
            return;
        }
        const QString folder = m_context.files->uploadDir() + QLatin1Char('/') + uniqueFolderName();
        if (!QDir().mkdir(folder)) {
            m_parser.raiseError(500, "Cannot create a folder for the upload.");
            return;
        }
        m_folders.append(folder);
        m_origName = raw;
        m_file = std::make_unique<QFile>(folder + QLatin1Char('/') + sanitizeFileName(raw));
        if (!m_file->open(QIODevice::WriteOnly | QIODevice::NewOnly)) {
            m_parser.raiseError(500, "Cannot write the upload: " + m_file->errorString().toUtf8());
            m_file.reset();
        }
    }
    void partData(QByteArrayView data)
    {
        if (!m_file)
            return;
        if (m_file->write(data.data(), data.size()) != data.size()) {
            m_parser.raiseError(507, "Cannot write the upload: " + m_file->errorString().toUtf8());
            return;
        }
        if (!m_uploadId.isEmpty())
            m_progress->add(m_uploadId, m_origName, data.size());
    }
    void partEnd()
    {
        if (!m_file)
            return;
        if (!m_file->flush()) {
            m_parser.raiseError(507, "Cannot write the upload: " + m_file->errorString().toUtf8());
            return;
        }
        m_written.append(m_file->fileName());
        m_file.reset();
    }
    void answerError()
    {
        Response r = m_refusal ? *m_refusal
                               : Response(m_parser.errorStatus(), m_parser.errorMessage(), "text/plain; charset=utf-8");
        answer(std::move(r));
    }
    void answer(Response response)
    {
        if (std::exchange(m_answered, true))
            return;
        discard();
        if (m_exchange) {
            if (RequestBody *body = m_exchange->body())
                body->clearReader();
            m_context.out->respond(m_exchange, std::move(response));
        }
    }
    //! Removes what this request wrote and did not hand over.
    void discard()
    {
        if (m_file) {
            m_file->close();
            m_file.reset();
        }
        for (const QString &folder : std::as_const(m_folders))
            QDir(folder).removeRecursively();
        m_folders.clear();
        m_written.clear();
        if (!m_uploadId.isEmpty())
            m_progress->finish(m_uploadId);
    }

    RouteContext m_context;
    QPointer<Exchange> m_exchange;
    std::shared_ptr<UploadProgress> m_progress;
    QString m_uploadId;
    MultipartParser m_parser;
    std::unique_ptr<QFile> m_file;
    QString m_origName;
    QStringList m_folders; //!< made by this request; removed unless it succeeds
    QStringList m_written;
    std::optional<Response> m_refusal; //!< Gradio's JSON answer for a refused name
    bool m_answered = false;
};

} // namespace

void upload(const RouteContext &c, const std::shared_ptr<UploadProgress> &progress, Exchange *ex)
{
    const Request &request = ex->request();
    const std::optional<QByteArray> boundary = MultipartParser::boundaryFromContentType(request.header("content-type"));
    if (!boundary) {
        c.out->respond(ex, Response::error(400, QStringLiteral("Invalid content type.")));
        return;
    }
    RequestBody *body = ex->body();
    const qint64 length = body ? body->length() : request.body.size();
    const qint64 maxFile = c.options->maxFileSize;
    if (maxFile >= 0 && length > maxFile + kFormFraming) {
        c.out->respond(ex, Response::text(QStringLiteral("File size exceeded maximum allowed size of %1 bytes.").arg(maxFile), 413));
        return;
    }
    auto job = std::make_shared<Upload>(c, ex, *boundary, progress,
                                        request.query.queryItemValue(QStringLiteral("upload_id"), QUrl::FullyDecoded));
    // The client hanging up mid-way drops the upload (and its files) at once.
    QObject::connect(ex, &Exchange::closed, ex, [job] { job->fail(499, QStringLiteral("Client closed the request.")); });
    if (!body) { // small enough to have come whole (a body the front did not stream)
        job->take(request.body);
        job->end();
        return;
    }
    body->setReader([job](QByteArrayView piece) { job->take(piece); }, [job] { job->end(); },
                    [job](int status, const QByteArray &message) {
                        job->fail(status, QString::fromUtf8(message), true);
                    });
}

void uploadProgress(const RouteContext &c, const std::shared_ptr<UploadProgress> &progress, Exchange *ex)
{
    const QString id = ex->request().query.queryItemValue(QStringLiteral("upload_id"), QUrl::FullyDecoded);
    // Polls: uploads run on any network thread. Every 100 ms an update, every 15 s of silence
    // a heartbeat; waits 3 s for an upload that has not started yet (Gradio's behaviour).
    auto *timer = new QTimer(ex);
    QElapsedTimer waited, silent;
    waited.start();
    silent.start();
    QObject::connect(timer, &QTimer::timeout, ex, [c, progress, ex, id, waited, silent, started = false]() mutable {
        if (!started) {
            if (!progress->isKnown(id)) {
                if (waited.elapsed() > 3000)
                    c.out->respond(ex, Response::text(QStringLiteral("Upload not found"), 404));
                return;
            }
            started = true;
            Response head(200, {}, "text/event-stream; charset=utf-8");
            head.setHeader("Cache-Control", "no-cache");
            c.out->beginStream(ex, head);
        }
        const std::optional<UploadProgress::Report> report = progress->take(id);
        if (!report || report->done) {
            ex->write("data: {\"msg\": \"done\"}\n\n");
            ex->end();
            return;
        }
        if (report->chunkSize > 0) {
            const QJsonObject update{{QStringLiteral("msg"), QStringLiteral("update")},
                                     {QStringLiteral("orig_name"), report->origName},
                                     {QStringLiteral("chunk_size"), report->chunkSize}};
            ex->write("data: " + QJsonDocument(update).toJson(QJsonDocument::Compact) + "\n\n");
            silent.start();
        } else if (silent.elapsed() >= 15000) {
            ex->write("data: {\"msg\": \"heartbeat\"}\n\n");
            silent.start();
        }
    });
    timer->start(100);
}

} // namespace qradio::files
