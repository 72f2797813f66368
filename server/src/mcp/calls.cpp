// SPDX-License-Identifier: MIT
// Requests answered later: tools/call, resources/read and prompts/get run their endpoint through
// the queue, in process; completion/complete runs on the service's pool. Their progress, log
// messages and server requests travel with them.
#include "service.h"

#include "../api/arguments.h"
#include "../api/config.h"
#include "../files/filedata.h"
#include "../queue/queue.h"

#include <QLoggingCategory>

Q_DECLARE_LOGGING_CATEGORY(lcMcp)

namespace qradio::mcp {

// ---- calls ------------------------------------------------------------------------------------

std::shared_ptr<Call> Service::newCall(const Message &m, const Incoming &in)
{
    if (in.session && in.session->callsInFlight >= kMaxCallsInFlight) {
        in.reply->finish(errorMessage(m.id, code::InvalidRequest,
                                      QStringLiteral("This session already has %1 requests in flight, the most one "
                                                     "session may have: wait for their answers.")
                                          .arg(kMaxCallsInFlight)));
        return nullptr;
    }
    if (in.session)
        ++in.session->callsInFlight;
    auto call = std::make_shared<Call>();
    call->key = callKey(in, m.id);
    call->requestId = m.id;
    call->session = in.session;
    call->reply = in.reply;
    const QJsonValue token = m.params.value(QLatin1String("_meta")).toObject().value(QLatin1String("progressToken"));
    if (token.isString() || token.isDouble())
        call->progressToken = token;
    if (m_calls.contains(call->key)) {
        // A client reusing the id of a request still running: the old one can no longer be
        // told apart, so it goes.
        auto old = m_calls.value(call->key);
        if (!old->eventId.isEmpty() && queue())
            queue()->cancel(old->eventId);
        old->done = true;
        old->reply->abandon();
        endCall(old);
    }
    m_calls.insert(call->key, call);
    std::weak_ptr<Call> weak = call;
    std::weak_ptr<Service> self = weak_from_this();
    in.reply->onClosed = [weak, self] {
        auto c = weak.lock();
        auto service = self.lock();
        if (!c || !service || c->done)
            return;
        c->done = true; // the client hung up: stop the work
        if (!c->eventId.isEmpty() && service->queue())
            service->queue()->cancel(c->eventId);
        service->endCall(c);
    };
    return call;
}

void Service::endCall(const std::shared_ptr<Call> &call)
{
    if (auto session = call->session.lock(); session && !std::exchange(call->ended, true))
        --session->callsInFlight;
    for (const QString &id : std::as_const(call->clientRequests)) {
        auto pending = m_pending.take(id);
        if (pending.waiter)
            pending.waiter->complete({}, QStringLiteral("The request was cancelled."));
    }
    call->clientRequests.clear();
    if (m_calls.value(call->key) == call)
        m_calls.remove(call->key);
    call->reply->onClosed = nullptr;
}

void Service::runEndpoint(const Message &m, const Incoming &in, const std::shared_ptr<const EndpointSpec> &endpoint,
                          const QJsonArray &args, const QString &name,
                          std::function<QByteArray(const QJsonValue &, const QJsonArray &)> success,
                          std::function<QByteArray(const QJsonValue &, const QString &)> failure)
{
    auto call = newCall(m, in);
    if (!call)
        return;
    call->name = name;
    auto session = in.session;
    auto link = std::make_shared<CallLink>();
    link->service = weak_from_this();
    link->call = call;
    link->mailbox = m_mailbox;
    link->thread = m_core->thread();
    link->capabilities = session ? session->clientCapabilities : QJsonObject();

    // The endpoint sees the MCP request's headers (gr.Request / gr.Header parity) and Gradio's
    // x-gradio-user marker.
    Request request;
    request.method = "POST";
    request.url = in.url;
    request.path = in.url.path();
    request.peer = in.peer;
    request.headers = in.headers;
    request.headers.append(qMakePair(QByteArray("x-gradio-user"), QByteArray("mcp")));

    queue::Queue::Submission s;
    s.endpoint = endpoint;
    s.args = args; // normalized by every caller, which answers a refusal in its own terms
    s.normalized = true;
    s.sessionHash = session ? session->id : QString();
    s.format = queue::Job::Format::InProcess;
    s.request = &request;
    s.caller = std::move(link);
    std::weak_ptr<Call> weak = call;
    std::weak_ptr<Service> self = weak_from_this();
    s.observer = [weak, self, success, failure](const queue::JobEvent &event) {
        auto c = weak.lock();
        auto service = self.lock();
        if (c && service)
            service->onJobEvent(c, event, success, failure);
    };
    const auto joined = m_queue->submit(std::move(s));
    if (call->done)
        return; // answered during submit (its arguments did not fit)
    if (joined.status != 200) {
        call->done = true;
        call->reply->finish(failure(call->requestId, joined.detail));
        endCall(call);
        return;
    }
    call->eventId = joined.eventId;
}

void Service::onJobEvent(const std::shared_ptr<Call> &call, const queue::JobEvent &event,
                         const std::function<QByteArray(const QJsonValue &, const QJsonArray &)> &success,
                         const std::function<QByteArray(const QJsonValue &, const QString &)> &failure)
{
    if (call->done)
        return;
    switch (event.kind) {
    case queue::JobEvent::Progress:
        sendProgress(*call, event.progress);
        break;
    case queue::JobEvent::Log: {
        const int level = event.level == QLatin1String("warning") ? logLevelIndex(QStringLiteral("warning"))
                        : event.level == QLatin1String("success") ? logLevelIndex(QStringLiteral("notice"))
                                                                  : logLevelIndex(QStringLiteral("info"));
        sendLog(*call, level, event.log, call->name);
        break;
    }
    case queue::JobEvent::Completed:
        call->done = true;
        call->reply->finish(success(call->requestId, event.outputs));
        endCall(call);
        break;
    case queue::JobEvent::Failed: {
        call->done = true;
        const QString message = event.error.message.isString()
            ? event.error.message.toString()
            : QStringLiteral("The function raised an error. Its text is hidden: start the server with showError to see it.");
        call->reply->finish(failure(call->requestId, message));
        endCall(call);
        break;
    }
    case queue::JobEvent::Cancelled:
        call->done = true;
        call->reply->abandon();
        endCall(call);
        break;
    default:
        break;
    }
}

void Service::sendProgress(Call &call, const QJsonArray &progressData)
{
    if (!call.progressToken.isString() && !call.progressToken.isDouble())
        return; // MCP: progress only for a request that asked with a token
    for (const QJsonValue &v : progressData) {
        const QJsonObject entry = v.toObject();
        double value = 0;
        QJsonValue total;
        if (entry.value(QLatin1String("index")).isDouble()) {
            value = entry.value(QLatin1String("index")).toDouble();
            total = entry.value(QLatin1String("length"));
        } else if (entry.value(QLatin1String("progress")).isDouble()) {
            value = entry.value(QLatin1String("progress")).toDouble();
            total = 1.0;
        } else {
            continue;
        }
        if (call.progressSent && value <= call.lastProgress)
            continue; // MCP wants progress to increase with every notification
        call.progressSent = true;
        call.lastProgress = value;
        QJsonObject params{{QStringLiteral("progressToken"), call.progressToken}, {QStringLiteral("progress"), value}};
        if (total.isDouble())
            params.insert(QStringLiteral("total"), total);
        const QString desc = entry.value(QLatin1String("desc")).toString();
        if (!desc.isEmpty())
            params.insert(QStringLiteral("message"), desc);
        sendRelated(call, notificationMessage(QStringLiteral("notifications/progress"), params));
    }
}

void Service::sendLog(Call &call, int level, const QJsonValue &data, const QString &logger)
{
    auto session = call.session.lock();
    const int threshold = session ? session->logLevel : logLevelIndex(QStringLiteral("info"));
    if (level < threshold)
        return;
    QJsonObject params{{QStringLiteral("level"), logLevels().value(level)}, {QStringLiteral("data"), data}};
    if (!logger.isEmpty())
        params.insert(QStringLiteral("logger"), logger);
    sendRelated(call, notificationMessage(QStringLiteral("notifications/message"), params));
}

bool Service::sendRelated(Call &call, const QByteArray &message)
{
    if (call.reply->notify(message)) {
        if (!call.streaming) {
            call.streaming = true; // a long stream now: keep proxies from cutting it
            m_streams.append(call.reply);
        }
        return true;
    }
    auto session = call.session.lock();
    return session && session->outlet && session->outlet->send(message);
}

void Service::logFromCall(const std::shared_ptr<Call> &call, int level, const QJsonValue &data, const QString &logger)
{
    if (!call->done)
        sendLog(*call, level, data, logger.isEmpty() ? call->name : logger);
}

void Service::clientRequest(const std::shared_ptr<Call> &call, const QString &method, const QJsonObject &params,
                            std::shared_ptr<Waiter> waiter)
{
    if (call->done) {
        waiter->complete({}, QStringLiteral("The MCP request has already ended."));
        return;
    }
    auto session = call->session.lock();
    if (session) {
        static const QHash<QString, QString> needs{{QStringLiteral("sampling/createMessage"), QStringLiteral("sampling")},
                                                   {QStringLiteral("elicitation/create"), QStringLiteral("elicitation")},
                                                   {QStringLiteral("roots/list"), QStringLiteral("roots")}};
        const QString capability = needs.value(method);
        if (!capability.isEmpty() && !session->clientCapabilities.contains(capability)) {
            waiter->complete({}, QStringLiteral("The MCP client does not support %1 (no \"%1\" capability).").arg(capability));
            return;
        }
    }
    const QJsonValue id = QStringLiteral("qradio-%1").arg(++m_nextRequestId);
    const QString key = idKey(id);
    m_pending.insert(key, {call, waiter, session ? session->id : QString()});
    call->clientRequests.append(key);
    if (!sendRelated(*call, requestMessage(id, method, params))) {
        m_pending.remove(key);
        call->clientRequests.removeAll(key);
        waiter->complete({}, QStringLiteral("The MCP client has no open stream to receive the request on."));
    }
}

void Service::dropClientRequest(const std::shared_ptr<Waiter> &waiter)
{
    for (auto it = m_pending.begin(); it != m_pending.end(); ++it) {
        if (it->waiter == waiter) {
            if (auto call = it->call.lock())
                call->clientRequests.removeAll(it.key());
            m_pending.erase(it);
            return;
        }
    }
}

// ---- tools/call, resources/read, prompts/get --------------------------------------------------

static QByteArray toolFailure(const QJsonValue &id, const QString &message)
{
    return resultMessage(id, toolError(message));
}

QJsonValue Service::filesFromText(const QJsonObject &schema, const QJsonValue &value, const QString &name) const
{
    if (api::isFileSchema(schema))
        return value.isString() && m_files ? QJsonValue(files::fileFromText(*m_files, value.toString(), name)) : value;
    if (value.isArray() && schema.contains(QLatin1String("items"))) {
        QJsonArray out;
        for (const QJsonValue &item : value.toArray())
            out.append(filesFromText(schema.value(QLatin1String("items")).toObject(), item, name));
        return out;
    }
    if (value.isString()) // an optional file: oneOf [null, file]
        for (const QJsonValue &member : schema.value(QLatin1String("oneOf")).toArray())
            if (api::isFileSchema(member.toObject()))
                return filesFromText(member.toObject(), value, name);
    return value;
}

void Service::callTool(const Message &m, const Incoming &in)
{
    const QString name = m.params.value(QLatin1String("name")).toString();
    const ToolEntry *tool = m_catalog->tool(name);
    if (!tool || (!in.toolFilter.isEmpty() && !in.toolFilter.contains(name))) {
        in.reply->finish(errorMessage(m.id, code::InvalidParams, QStringLiteral("Unknown tool: %1").arg(name)));
        return;
    }
    const QJsonValue arguments = m.params.value(QLatin1String("arguments"));
    if (!arguments.isUndefined() && !arguments.isNull() && !arguments.isObject()) {
        in.reply->finish(errorMessage(m.id, code::InvalidParams, QStringLiteral("params.arguments must be an object")));
        return;
    }
    const EndpointSpec &endpoint = *tool->endpoint;
    QJsonArray args;
    try {
        args = api::namedToPositional(endpoint, arguments.toObject(), api::UnknownNames::Ignore);
    } catch (const ArgumentError &e) {
        in.reply->finish(toolFailure(m.id, QStringLiteral("Input validation error: '%1' is a required property").arg(e.parameter())));
        return;
    }
    try {
        for (qsizetype i = 0; i < args.size(); ++i)
            args[i] = filesFromText(api::parameterSchema(endpoint, i), args.at(i), endpoint.params[i].name);
        args = api::normalizeArguments(endpoint, args);
    } catch (const ArgumentError &e) {
        in.reply->finish(toolFailure(m.id, QStringLiteral("Input validation error: ") + e.message()));
        return;
    } catch (const std::exception &e) {
        in.reply->finish(toolFailure(m.id, QString::fromUtf8(e.what())));
        return;
    }
    ToolEntry entry = *tool;
    runEndpoint(m, in, tool->endpoint, args, tool->name,
                [entry](const QJsonValue &id, const QJsonArray &outputs) { return resultMessage(id, toolResult(entry, outputs)); },
                toolFailure);
}

//! Arguments that arrive as strings, converted to what the parameters take.
static QJsonArray stringArguments(const EndpointSpec &endpoint, const QStringList &values)
{
    QJsonArray args;
    for (qsizetype i = 0; i < values.size(); ++i)
        args.append(fromString(values[i], endpoint.invoker.paramSchemas.value(i)));
    return args;
}

void Service::readResource(const Message &m, const Incoming &in)
{
    const QJsonValue uriValue = m.params.value(QLatin1String("uri"));
    if (!uriValue.isString()) {
        in.reply->finish(errorMessage(m.id, code::InvalidParams, QStringLiteral("params.uri must be a string")));
        return;
    }
    const QString uri = uriValue.toString();
    QStringList values;
    const ResourceEntry *resource = m_catalog->resource(uri, &values);
    if (!resource) {
        in.reply->finish(errorMessage(m.id, code::ResourceNotFound, QStringLiteral("Resource not found: ") + uri,
                                      QJsonObject{{QStringLiteral("uri"), uri}}));
        return;
    }
    QJsonArray args;
    try {
        args = api::normalizeArguments(*resource->endpoint, stringArguments(*resource->endpoint, values));
    } catch (const ArgumentError &e) {
        in.reply->finish(errorMessage(m.id, code::InternalError, e.message())); // as a failed read
        return;
    }
    ResourceEntry entry = *resource;
    runEndpoint(
        m, in, resource->endpoint, args, resource->meta->name,
        [entry, uri](const QJsonValue &id, const QJsonArray &outputs) {
            return resultMessage(id, {{QStringLiteral("contents"), resourceContents(entry, uri, outputs)}});
        },
        [](const QJsonValue &id, const QString &message) { return errorMessage(id, code::InternalError, message); });
}

void Service::getPrompt(const Message &m, const Incoming &in)
{
    const QString name = m.params.value(QLatin1String("name")).toString();
    const PromptEntry *prompt = m_catalog->prompt(name);
    if (!prompt) {
        in.reply->finish(errorMessage(m.id, code::InvalidParams, QStringLiteral("Unknown prompt: %1").arg(name)));
        return;
    }
    const QJsonObject named = m.params.value(QLatin1String("arguments")).toObject();
    const EndpointSpec &endpoint = *prompt->endpoint;
    QJsonArray args;
    for (qsizetype i = 0; i < endpoint.params.size(); ++i) {
        const Param &p = endpoint.params[i];
        const QJsonValue value = named.value(p.name);
        if (value.isString()) {
            args.append(fromString(value.toString(), endpoint.invoker.paramSchemas.value(i)));
        } else if (!value.isUndefined() && !value.isNull()) {
            args.append(value);
        } else if (p.hasDefault()) {
            args.append(p.defaultValue);
        } else {
            in.reply->finish(errorMessage(m.id, code::InvalidParams, QStringLiteral("Missing required argument: %1").arg(p.name)));
            return;
        }
    }
    try {
        args = api::normalizeArguments(endpoint, args);
    } catch (const ArgumentError &e) {
        in.reply->finish(errorMessage(m.id, code::InvalidParams, e.message()));
        return;
    }
    PromptEntry entry = *prompt;
    runEndpoint(
        m, in, prompt->endpoint, args, prompt->name,
        [entry](const QJsonValue &id, const QJsonArray &outputs) { return resultMessage(id, promptResult(entry, outputs)); },
        [](const QJsonValue &id, const QString &message) { return errorMessage(id, code::InternalError, message); });
}

// ---- completion/complete ----------------------------------------------------------------------

void Service::complete(const Message &m, const Incoming &in)
{
    const QJsonObject ref = m.params.value(QLatin1String("ref")).toObject();
    const QJsonObject argument = m.params.value(QLatin1String("argument")).toObject();
    const QString argName = argument.value(QLatin1String("name")).toString();
    const QString value = argument.value(QLatin1String("value")).toString();
    const QJsonObject context = m.params.value(QLatin1String("context")).toObject().value(QLatin1String("arguments")).toObject();
    const QString type = ref.value(QLatin1String("type")).toString();

    Completer completer;
    QJsonArray choices;
    const EndpointSpec *endpoint = nullptr;
    if (type == QLatin1String("ref/prompt")) {
        const PromptEntry *prompt = m_catalog->prompt(ref.value(QLatin1String("name")).toString());
        if (!prompt) {
            in.reply->finish(errorMessage(m.id, code::InvalidParams,
                                          QStringLiteral("Unknown prompt: ") + ref.value(QLatin1String("name")).toString()));
            return;
        }
        completer = prompt->meta->completers.value(argName);
        endpoint = prompt->endpoint.get();
    } else if (type == QLatin1String("ref/resource")) {
        const ResourceEntry *resource = m_catalog->resourceTemplate(ref.value(QLatin1String("uri")).toString());
        if (!resource) {
            in.reply->finish(errorMessage(m.id, code::InvalidParams,
                                          QStringLiteral("Unknown resource template: ") + ref.value(QLatin1String("uri")).toString()));
            return;
        }
        completer = resource->meta->completers.value(argName);
        endpoint = resource->endpoint.get();
    } else {
        in.reply->finish(errorMessage(m.id, code::InvalidParams, QStringLiteral("params.ref.type must be ref/prompt or ref/resource")));
        return;
    }
    for (const Param &p : endpoint->params)
        if (p.name == argName)
            choices = p.choices;

    auto answer = [](const QJsonValue &id, QStringList values) {
        const qsizetype total = values.size();
        values = values.mid(0, 100); // MCP's cap per answer
        return resultMessage(id, {{QStringLiteral("completion"),
                                   QJsonObject{{QStringLiteral("values"), QJsonArray::fromStringList(values)},
                                               {QStringLiteral("total"), total},
                                               {QStringLiteral("hasMore"), total > values.size()}}}});
    };
    if (!completer) {
        QStringList values;
        for (const QJsonValue &c : std::as_const(choices)) {
            const QString text = c.isString() ? c.toString() : textOf(c);
            if (text.startsWith(value, Qt::CaseInsensitive))
                values.append(text);
        }
        in.reply->finish(answer(m.id, values));
        return;
    }
    // User code: on the pool, never on the network thread.
    auto call = newCall(m, in);
    if (!call)
        return;
    std::weak_ptr<Service> self = weak_from_this();
    std::weak_ptr<Call> weak = call;
    m_pool->start([mailbox = m_mailbox, self, weak, completer, value, context, answer] {
        QStringList values;
        QString error;
        try {
            values = completer(value, context);
        } catch (const std::exception &e) {
            error = QString::fromUtf8(e.what());
        }
        mailbox->post([self, weak, values, error, answer] {
            auto s = self.lock();
            auto c = weak.lock();
            if (!s || !c || c->done)
                return;
            c->done = true;
            c->reply->finish(error.isEmpty() ? answer(c->requestId, values)
                                             : errorMessage(c->requestId, code::InternalError, error));
            s->endCall(c);
        });
    });
}

} // namespace qradio::mcp
