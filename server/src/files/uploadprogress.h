// SPDX-License-Identifier: MIT
#pragma once

#include <QElapsedTimer>
#include <QHash>
#include <QMutex>
#include <QString>

#include <optional>

namespace qradio::files {

//! What uploads with an `upload_id` report for GET /gradio_api/upload_progress. Uploads and
//! their progress streams run on any network thread, hence the lock. Bounded: ids beyond
//! kMaxTracked push out the oldest, and finished ones are forgotten after a minute.
class UploadProgress
{
public:
    static constexpr int kMaxTracked = 1000;

    struct Report
    {
        QString origName;      //!< of the file the bytes belong to
        qint64 chunkSize = 0;  //!< bytes since the previous report
        bool done = false;
    };

    void begin(const QString &id);
    void add(const QString &id, const QString &origName, qint64 bytes);
    void finish(const QString &id);
    bool isKnown(const QString &id) const;
    //! What happened since the last take(); nullopt for an unknown id.
    std::optional<Report> take(const QString &id);

private:
    struct Entry
    {
        Report pending;
        QElapsedTimer since;
    };
    void prune();

    mutable QMutex m_mutex;
    QHash<QString, Entry> m_entries;
};

} // namespace qradio::files
