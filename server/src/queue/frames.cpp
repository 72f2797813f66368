// SPDX-License-Identifier: MIT
#include "frames.h"

#include "diff.h"
#include "json.h"

namespace qradio::queue {

QByteArray ErrorPayload::toJson(bool pythonStyle) const
{
    json::ObjectWriter w(pythonStyle);
    w.add("error", message);
    if (userError) {
        w.add("duration", duration);
        w.add("visible", visible);
        w.add("title", title);
    } else if (shown) {
        w.add("visible", true);
    }
    return w.finish();
}

Frame frameFor(Job &job, const JobEvent &e)
{
    const bool call = job.format == Job::Format::Call;
    const QByteArray id = json::compact(job.eventId);
    auto outputObject = [&](const QByteArray &data, bool generating) {
        json::ObjectWriter o;
        o.addRaw("data", data);
        o.add("is_generating", generating);
        o.add("duration", e.duration);
        o.add("average_duration", e.averageDuration);
        o.add("render_config", QJsonValue());
        o.addRaw("changed_state_ids", "[]");
        o.add("used_cache", QJsonValue());
        return o.finish();
    };
    auto queueFrame = [](const QByteArray &json) { return "data: " + json + "\n\n"; };
    Frame frame;
    switch (e.kind) {
    case JobEvent::Estimation:
        if (!call)
            frame.bytes = queueFrame(json::ObjectWriter()
                                         .add("msg", QStringLiteral("estimation"))
                                         .addRaw("event_id", id)
                                         .add("rank", e.rank)
                                         .add("queue_size", e.queueSize)
                                         .add("rank_eta", e.rankEta)
                                         .finish());
        break;
    case JobEvent::Started:
        if (!call)
            frame.bytes = queueFrame(json::ObjectWriter()
                                         .add("msg", QStringLiteral("process_starts"))
                                         .addRaw("event_id", id)
                                         .add("eta", e.eta)
                                         .finish());
        break;
    case JobEvent::Progress:
        if (!call)
            frame.bytes = queueFrame(json::ObjectWriter()
                                         .add("msg", QStringLiteral("progress"))
                                         .addRaw("event_id", id)
                                         .add("progress_data", e.progress)
                                         .finish());
        break;
    case JobEvent::Log:
        if (!call)
            frame.bytes = queueFrame(json::ObjectWriter()
                                         .add("msg", QStringLiteral("log"))
                                         .addRaw("event_id", id)
                                         .add("log", e.log)
                                         .add("level", e.level)
                                         .add("duration", 10.0)
                                         .add("visible", true)
                                         .add("title", e.level == QLatin1String("warning") ? QStringLiteral("Warning")
                                                       : e.level == QLatin1String("success") ? QStringLiteral("Success")
                                                                                             : QStringLiteral("Info"))
                                         .finish());
        break;
    case JobEvent::Generated: {
        if (call) {
            frame.bytes = "event: generating\ndata: " + json::python(e.outputs) + "\n\n";
            break;
        }
        QJsonArray data;
        if (!job.generatedOnce) {
            data = e.outputs; // the first update carries full values, later ones edit lists
        } else {
            for (qsizetype i = 0; i < e.outputs.size(); ++i)
                data.append(diff(job.lastSent.at(i), e.outputs.at(i)));
        }
        job.generatedOnce = true;
        job.lastSent = e.outputs;
        frame.bytes = queueFrame(json::ObjectWriter()
                                     .add("msg", QStringLiteral("process_generating"))
                                     .addRaw("event_id", id)
                                     .addRaw("output", outputObject(json::compact(data), true))
                                     .add("success", true)
                                     .add("time_limit", QJsonValue())
                                     .finish());
        break;
    }
    case JobEvent::Completed:
        frame.completesEvent = job.eventId;
        if (call) {
            frame.bytes = "event: complete\ndata: " + json::python(e.outputs) + "\n\n";
            break;
        }
        frame.bytes = queueFrame(json::ObjectWriter()
                                     .add("msg", QStringLiteral("process_completed"))
                                     .addRaw("event_id", id)
                                     .addRaw("output", outputObject(json::compact(e.outputs), false))
                                     .add("success", true)
                                     .add("title", QJsonValue())
                                     .add("used_cache", QJsonValue())
                                     .add("cache_duration", e.duration)
                                     .add("avg_time", e.averageDuration)
                                     .finish());
        break;
    case JobEvent::Failed:
        frame.completesEvent = job.eventId;
        if (call) {
            frame.bytes = "event: error\ndata: " + e.error.toJson(true) + "\n\n";
            break;
        }
        frame.bytes = queueFrame(json::ObjectWriter()
                                     .add("msg", QStringLiteral("process_completed"))
                                     .addRaw("event_id", id)
                                     .addRaw("output", e.error.toJson())
                                     .add("success", false)
                                     .add("title", job.generatedOnce ? QJsonValue() : QJsonValue(e.error.title))
                                     .add("used_cache", QJsonValue())
                                     .add("cache_duration", QJsonValue())
                                     .add("avg_time", QJsonValue())
                                     .finish());
        break;
    case JobEvent::Cancelled:
        frame.completesEvent = job.eventId;
        if (call) {
            frame.bytes = "event: error\ndata: {\"error\": \"Cancelled.\"}\n\n";
            break;
        }
        frame.bytes = queueFrame(json::ObjectWriter()
                                     .add("msg", QStringLiteral("process_completed"))
                                     .addRaw("event_id", id)
                                     .addRaw("output", "{}")
                                     .add("success", true)
                                     .add("title", QJsonValue())
                                     .add("used_cache", QJsonValue())
                                     .add("cache_duration", QJsonValue())
                                     .add("avg_time", QJsonValue())
                                     .finish());
        break;
    }
    return frame;
}

namespace frames {

QByteArray closeStream()
{
    return QByteArrayLiteral("data: {\"msg\":\"close_stream\",\"event_id\":null}\n\n");
}

QByteArray heartbeat(bool queueFlavour)
{
    return queueFlavour ? QByteArrayLiteral("data: {\"msg\":\"heartbeat\",\"event_id\":null}\n\n")
                        : QByteArrayLiteral("event: heartbeat\ndata: null\n\n");
}

QByteArray serverStopped(bool queueFlavour)
{
    return queueFlavour ? QByteArrayLiteral("data: {\"msg\":\"unexpected_error\",\"event_id\":null,\"message\":\"Server "
                                            "stopped unexpectedly.\",\"session_not_found\":false,\"success\":false}\n\n")
                        : QByteArrayLiteral("event: error\ndata: \"Server stopped unexpectedly.\"\n\n");
}

QByteArray sessionNotFound()
{
    return QByteArrayLiteral("data: {\"msg\":\"unexpected_error\",\"event_id\":null,\"message\":\"404: Not Found\","
                             "\"session_not_found\":true,\"success\":false}\n\n");
}

} // namespace frames
} // namespace qradio::queue
