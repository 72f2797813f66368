// SPDX-License-Identifier: MIT
#pragma once

#include "job.h"

#include <QHash>
#include <QStringList>
#include <QThreadPool>

#include <map>
#include <memory>

namespace qradio::queue {

//! Gradio's concurrency groups: which waiting call runs next, how many run at once, which calls
//! run together as a batch, and the estimates sent to those still waiting. Pure bookkeeping on
//! the network thread: it starts nothing itself (the queue does), so a test can drive it alone.
class Scheduler
{
public:
    //! Creates a group per concurrency id (or per endpoint without one). A group shared by
    //! several endpoints takes the lowest limit among them; `defaultLimit` applies to endpoints
    //! that set none; 0 is unlimited (still bounded by threads, as Gradio's workers are).
    void setEndpoints(const QList<std::shared_ptr<const EndpointSpec>> &endpoints, int defaultLimit);
    //! The group an endpoint's calls join.
    static QString groupOf(const EndpointSpec &endpoint);

    //! Puts a call at the end of its group's line (a group the endpoints did not name is made
    //! with the default limit).
    void add(const JobPtr &job);
    //! Takes a waiting call out of its line; false if it was not waiting there.
    bool remove(const JobPtr &job);
    //! The next call allowed to start, or null: groups take turns, one start each per round,
    //! while they have calls waiting and room under their limit. The call counts as running
    //! from now; for a batch endpoint it lists the waiting calls of the same function taken
    //! with it (itself first) in batchMembers, all marked running.
    JobPtr next();
    //! A call of `groupKey` returned: its slot is free again.
    void release(const QString &groupKey);

    //! Records how long a successful call of `endpointId` ran (seconds), for the estimates.
    void recordDuration(int endpointId, double seconds);
    //! The mean run time of an endpoint's calls, or null before the first.
    QJsonValue meanDuration(int endpointId) const;
    //! The estimate for a call that is `rank` in its group's line (Gradio: the mean run time
    //! plus a share of it for each call ahead).
    JobEvent estimation(const QString &groupKey, int rank, int endpointId) const;
    //! The estimate for each call waiting in the group, in line order.
    QList<std::pair<JobPtr, JobEvent>> estimations(const QString &groupKey) const;

    //! Every group's key, in the order they were made.
    const QStringList &groups() const { return m_order; }
    int waitingCount() const;
    int waitingCount(const QString &groupKey) const;
    int limit(const QString &groupKey) const;
    int running(const QString &groupKey) const;
    //! The threads a group's blocking calls run on.
    QThreadPool &pool(const QString &groupKey);
    //! Forgets every waiting call and waits up to `wait` for running blocking code; code that
    //! does not return by then is left behind (its threads are not joined).
    void shutdown(std::chrono::milliseconds wait);

private:
    struct Group
    {
        QString key;
        int limit = 1; //!< 0: unlimited
        int running = 0;
        QList<JobPtr> waiting;
        std::unique_ptr<QThreadPool> pool;
    };
    struct Stats
    {
        double total = 0;
        int count = 0;
    };
    const Group *find(const QString &key) const;
    Group &groupFor(const QString &key);

    std::map<QString, Group> m_groups; //!< not QHash: Group is move-only
    QStringList m_order;               //!< group keys, in the order the endpoints came
    qsizetype m_turn = 0;              //!< the group whose turn it is in the current round
    int m_defaultLimit = 1;
    QHash<int, Stats> m_stats;         //!< by endpoint id
};

} // namespace qradio::queue
