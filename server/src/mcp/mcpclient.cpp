// SPDX-License-Identifier: MIT
// What a running endpoint can ask of the MCP client behind its call (mcp.h): the call comes
// with the Context, as the CallLink the MCP layer handed the queue.
#include "service.h"

#include "../privateaccess.h"

#include <qradio/context.h>
#include <qradio/error.h>

#include <QThread>

namespace qradio::mcp {

//! The MCP call behind a Context, or null for any other caller.
static const CallLink *linkOf(const Context &ctx)
{
    return dynamic_cast<const CallLink *>(PrivateAccess::d(ctx)->caller.get());
}

bool isMcpCall(const Context &ctx)
{
    return linkOf(ctx);
}

QJsonObject clientCapabilities(const Context &ctx)
{
    const CallLink *link = linkOf(ctx);
    return link ? link->capabilities : QJsonObject();
}

QJsonObject request(const Context &ctx, const QString &method, const QJsonObject &params, std::chrono::milliseconds timeout)
{
    const CallLink *link = linkOf(ctx);
    if (!link)
        throw Error(QStringLiteral("%1: this call did not come from an MCP client.").arg(method));
    if (QThread::currentThread() == link->thread)
        throw Error(QStringLiteral("%1: mcp::request() blocks; call it from a blocking endpoint, not a coroutine.").arg(method));
    auto waiter = std::make_shared<Waiter>();
    const std::weak_ptr<Service> weak = link->service;
    link->mailbox->post([weak, call = link->call, method, params, waiter] {
        auto s = weak.lock();
        auto c = call.lock();
        if (s && c)
            s->clientRequest(c, method, params, waiter);
        else
            waiter->complete({}, QStringLiteral("The MCP request has already ended."));
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
    const CallLink *link = linkOf(ctx);
    if (!link)
        return;
    link->mailbox->post([weak = link->service, call = link->call, level, data, logger] {
        auto s = weak.lock();
        auto c = call.lock();
        if (s && c)
            s->logFromCall(c, int(level), data, logger);
    });
}

} // namespace qradio::mcp
