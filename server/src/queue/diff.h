// SPDX-License-Identifier: MIT
#pragma once

#include <QJsonArray>
#include <QJsonValue>

namespace qradio::queue {

//! Gradio's edit list turning `from` into `to`: `[[action, path, value], ...]` with actions
//! replace / append / add / delete, applied in order by both clients. Unlike Gradio, deletes
//! in nested arrays get correct indices (only the array being compared shifts them).
QJsonArray diff(const QJsonValue &from, const QJsonValue &to);

//! Applies an edit list (what the clients do); used by tests and the MCP bridge.
QJsonValue applyDiff(QJsonValue value, const QJsonArray &edits);

} // namespace qradio::queue
