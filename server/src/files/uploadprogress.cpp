// SPDX-License-Identifier: MIT
#include "uploadprogress.h"

namespace qradio::files {

static constexpr qint64 kForgetDoneMs = 60 * 1000;

void UploadProgress::prune()
{
    m_entries.removeIf([](const auto &it) { return it.value().pending.done && it.value().since.elapsed() > kForgetDoneMs; });
    while (m_entries.size() >= kMaxTracked) {
        auto oldest = m_entries.begin();
        for (auto it = m_entries.begin(); it != m_entries.end(); ++it)
            if (it->since.elapsed() > oldest->since.elapsed())
                oldest = it;
        m_entries.erase(oldest);
    }
}

void UploadProgress::begin(const QString &id)
{
    QMutexLocker lock(&m_mutex);
    prune();
    Entry &e = m_entries[id];
    e.pending = {};
    e.since.start();
}

void UploadProgress::add(const QString &id, const QString &origName, qint64 bytes)
{
    QMutexLocker lock(&m_mutex);
    auto it = m_entries.find(id);
    if (it == m_entries.end())
        return;
    if (it->pending.origName != origName)
        it->pending.chunkSize = 0; // a new file: its own count
    it->pending.origName = origName;
    it->pending.chunkSize += bytes;
}

void UploadProgress::finish(const QString &id)
{
    QMutexLocker lock(&m_mutex);
    auto it = m_entries.find(id);
    if (it == m_entries.end())
        return;
    it->pending.done = true;
    it->since.start();
}

bool UploadProgress::isKnown(const QString &id) const
{
    QMutexLocker lock(&m_mutex);
    return m_entries.contains(id);
}

std::optional<UploadProgress::Report> UploadProgress::take(const QString &id)
{
    QMutexLocker lock(&m_mutex);
    auto it = m_entries.find(id);
    if (it == m_entries.end())
        return std::nullopt;
    Report out = it->pending;
    it->pending.chunkSize = 0;
    if (out.done)
        m_entries.erase(it);
    return out;
}

} // namespace qradio::files
