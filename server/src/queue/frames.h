// SPDX-License-Identifier: MIT
#pragma once

#include "job.h"

#include <QByteArray>
#include <QString>

namespace qradio::queue {

//! A frame ready for a stream, with what the session needs to know about it.
struct Frame
{
    QByteArray bytes;       //!< the whole SSE frame, or empty when this flavour shows nothing
    QString completesEvent; //!< set on the event's terminal message
};

//! The wire format of both event-stream flavours (protocol spec section 4): what `event` of
//! `job` puts on its session's stream, as queue/data's `data: {"msg": ...}` frame or as /call's
//! `event: <name>` frame (Job::Format::Call). Generated values after the first go out as list
//! edits against the previous ones, which the job keeps (lastSent).
Frame frameFor(Job &job, const JobEvent &event);

//! Frames that belong to no event.
namespace frames {
QByteArray closeStream();
QByteArray heartbeat(bool queueFlavour);
QByteArray serverStopped(bool queueFlavour);
//! queue/data for a session the queue does not know.
QByteArray sessionNotFound();
} // namespace frames

} // namespace qradio::queue
