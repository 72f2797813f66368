// SPDX-License-Identifier: MIT
// What a running endpoint can ask of the MCP client behind its call (mcp.h): the call is found
// through a token the MCP layer puts among the Context's request headers.
#include "service.h"

#include <qradio/context.h>
#include <qradio/error.h>

#include <QThread>

namespace qradio::mcp {

namespace {
struct Links
{
    std::mutex mutex;
    QHash<QString, CallLinks::Link> links;
};
Links &links()
{
    static Links instance;
    return instance;
}
} // namespace

void CallLinks::add(const QString &token, Link link)
{
    std::lock_guard lock(links().mutex);
    links().links.insert(token, std::move(link));
}

void CallLinks::remove(const QString &token)
{
    std::lock_guard lock(links().mutex);
    links().links.remove(token);
}

std::optional<CallLinks::Link> CallLinks::find(const QString &token)
{
    std::lock_guard lock(links().mutex);
    const auto it = links().links.constFind(token);
    if (it == links().links.constEnd())
        return std::nullopt;
    return *it;
}

static QString tokenOf(const Context &ctx)
{
    return QString::fromLatin1(ctx.header(kCallHeader));
}

bool isMcpCall(const Context &ctx)
{
    return CallLinks::find(tokenOf(ctx)).has_value();
}

QJsonObject clientCapabilities(const Context &ctx)
{
    const auto link = CallLinks::find(tokenOf(ctx));
    return link ? link->capabilities : QJsonObject();
}

QJsonObject request(const Context &ctx, const QString &method, const QJsonObject &params, std::chrono::milliseconds timeout)
{
    const QString token = tokenOf(ctx);
    const auto link = CallLinks::find(token);
    if (!link)
        throw Error(QStringLiteral("%1: this call did not come from an MCP client.").arg(method));
    if (QThread::currentThread() == link->thread)
        throw Error(QStringLiteral("%1: mcp::request() blocks; call it from a blocking endpoint, not a coroutine.").arg(method));
    auto waiter = std::make_shared<Waiter>();
    const std::weak_ptr<Service> weak = link->service;
    link->mailbox->post([weak, token, method, params, waiter] {
        if (auto s = weak.lock())
            s->clientRequest(token, method, params, waiter);
        else
            waiter->complete({}, QStringLiteral("The server stopped."));
    });

    const auto deadline = std::chrono::steady_clock::now() + timeout;
    std::unique_lock lock(waiter->mutex);
    while (!waiter->done) {
        const bool cancelled = ctx.isCancelled();
        if (cancelled || std::chrono::steady_clock::now() >= deadline) {
            lock.unlock();
            link->mailbox->post([weak, waiter] {
                if (auto s = weak.lock())
                    s->dropClientRequest(waiter);
            });
            if (cancelled)
                throw Cancelled();
            throw Error(QStringLiteral("%1: the MCP client did not answer within %2 s.")
                            .arg(method)
                            .arg(double(timeout.count()) / 1000.0));
        }
        // Cancellation has no wake-up of its own here: look again now and then.
        waiter->wake.wait_for(lock, std::chrono::milliseconds(100));
    }
    if (!waiter->error.isEmpty())
        throw Error(QStringLiteral("%1: %2").arg(method, waiter->error));
    return waiter->result;
}

QJsonObject createMessage(const Context &ctx, const QJsonObject &params)
{
    return request(ctx, QStringLiteral("sampling/createMessage"), params);
}

QJsonObject elicit(const Context &ctx, const QString &message, const QJsonObject &requestedSchema)
{
    return request(ctx, QStringLiteral("elicitation/create"),
                   {{QStringLiteral("message"), message}, {QStringLiteral("requestedSchema"), requestedSchema}});
}

void log(const Context &ctx, LogLevel level, const QJsonValue &data, const QString &logger)
{
    const QString token = tokenOf(ctx);
    const auto link = CallLinks::find(token);
    if (!link)
        return;
    const std::weak_ptr<Service> weak = link->service;
    link->mailbox->post([weak, token, level, data, logger] {
        if (auto s = weak.lock())
            s->logFromCall(token, int(level), data, logger);
    });
}

} // namespace qradio::mcp
