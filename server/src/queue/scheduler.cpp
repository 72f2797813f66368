// SPDX-License-Identifier: MIT
#include "scheduler.h"

#include <QLoggingCategory>
#include <QThread>

Q_DECLARE_LOGGING_CATEGORY(lcQueue)

namespace qradio::queue {

//! An unlimited group is still bounded by threads, as Gradio's 40 workers bound it.
static int threadsFor(int limit)
{
    return limit > 0 ? limit : std::max(40, QThread::idealThreadCount());
}

QString Scheduler::groupOf(const EndpointSpec &endpoint)
{
    return endpoint.concurrencyId.isEmpty() ? QStringLiteral("fn:%1").arg(endpoint.id) : endpoint.concurrencyId;
}

void Scheduler::setEndpoints(const QList<std::shared_ptr<const EndpointSpec>> &endpoints, int defaultLimit)
{
    m_defaultLimit = defaultLimit;
    for (const auto &endpoint : endpoints) {
        const QString key = groupOf(*endpoint);
        const int limit = endpoint->concurrencyLimit.value_or(defaultLimit);
        const bool known = m_groups.contains(key);
        Group &group = groupFor(key);
        if (!known)
            group.limit = limit;
        else if (limit > 0 && (group.limit == 0 || limit < group.limit))
            group.limit = limit; // the lowest limit of a shared group wins
        group.pool->setMaxThreadCount(threadsFor(group.limit));
    }
}

Scheduler::Group &Scheduler::groupFor(const QString &key)
{
    auto it = m_groups.find(key);
    if (it != m_groups.end())
        return it->second;
    Group group;
    group.key = key;
    group.limit = m_defaultLimit;
    group.pool = std::make_unique<QThreadPool>();
    group.pool->setObjectName(QStringLiteral("qradio-") + key);
    group.pool->setMaxThreadCount(threadsFor(group.limit));
    group.pool->setExpiryTimeout(60000);
    m_order.append(key);
    return m_groups.emplace(key, std::move(group)).first->second;
}

const Scheduler::Group *Scheduler::find(const QString &key) const
{
    const auto it = m_groups.find(key);
    return it == m_groups.end() ? nullptr : &it->second;
}

void Scheduler::add(const JobPtr &job)
{
    groupFor(job->groupKey).waiting.append(job);
}

bool Scheduler::remove(const JobPtr &job)
{
    const auto it = m_groups.find(job->groupKey);
    return it != m_groups.end() && it->second.waiting.removeOne(job);
}

JobPtr Scheduler::next()
{
    for (qsizetype tried = 0; tried < m_order.size(); ++tried) {
        const qsizetype index = (m_turn + tried) % m_order.size();
        Group &group = m_groups.at(m_order.at(index));
        if (group.waiting.isEmpty() || (group.limit > 0 && group.running >= group.limit))
            continue;
        m_turn = index + 1;
        JobPtr job = group.waiting.takeFirst();
        ++group.running;
        job->state = Job::State::Running;
        job->clock.start();
        const EndpointSpec &endpoint = *job->endpoint;
        if (endpoint.batch) {
            // Up to max_batch_size waiting calls of the same function run as one.
            job->batchMembers.append(job);
            for (auto it = group.waiting.begin();
                 it != group.waiting.end() && job->batchMembers.size() < endpoint.maxBatchSize;) {
                if ((*it)->endpoint->id != endpoint.id) {
                    ++it;
                    continue;
                }
                (*it)->state = Job::State::Running;
                (*it)->clock.start();
                job->batchMembers.append(*it);
                it = group.waiting.erase(it);
            }
        }
        return job;
    }
    return nullptr;
}

void Scheduler::release(const QString &groupKey)
{
    --m_groups.at(groupKey).running;
}

void Scheduler::recordDuration(int endpointId, double seconds)
{
    Stats &stats = m_stats[endpointId];
    stats.total += seconds;
    ++stats.count;
}

QJsonValue Scheduler::meanDuration(int endpointId) const
{
    const Stats stats = m_stats.value(endpointId);
    return stats.count ? QJsonValue(stats.total / stats.count) : QJsonValue();
}

JobEvent Scheduler::estimation(const QString &groupKey, int rank, int endpointId) const
{
    const Group *group = find(groupKey);
    JobEvent e{JobEvent::Estimation};
    e.rank = rank;
    e.queueSize = group ? int(group->waiting.size()) : 0;
    const QJsonValue mean = meanDuration(endpointId);
    if (mean.isDouble()) {
        const double m = mean.toDouble();
        const int limit = group ? group->limit : 0;
        e.rankEta = m + (limit > 0 ? m / limit : 0.0) * rank;
    }
    return e;
}

QList<std::pair<JobPtr, JobEvent>> Scheduler::estimations(const QString &groupKey) const
{
    QList<std::pair<JobPtr, JobEvent>> list;
    if (const Group *group = find(groupKey))
        for (int rank = 0; rank < group->waiting.size(); ++rank)
            list.append({group->waiting[rank], estimation(groupKey, rank, group->waiting[rank]->endpoint->id)});
    return list;
}

int Scheduler::waitingCount() const
{
    int n = 0;
    for (const auto &[key, group] : m_groups)
        n += int(group.waiting.size());
    return n;
}

int Scheduler::waitingCount(const QString &groupKey) const
{
    const Group *group = find(groupKey);
    return group ? int(group->waiting.size()) : 0;
}

int Scheduler::limit(const QString &groupKey) const
{
    const Group *group = find(groupKey);
    return group ? group->limit : 0;
}

int Scheduler::running(const QString &groupKey) const
{
    const Group *group = find(groupKey);
    return group ? group->running : 0;
}

QThreadPool &Scheduler::pool(const QString &groupKey)
{
    return *m_groups.at(groupKey).pool;
}

void Scheduler::shutdown(std::chrono::milliseconds wait)
{
    for (auto &[key, group] : m_groups) {
        group.waiting.clear();
        // Functions that never look at their context cannot be interrupted: wait a little,
        // then leave their threads behind rather than hang the quit.
        if (group.pool && !group.pool->waitForDone(int(wait.count()))) {
            qCWarning(lcQueue) << "endpoint code in group" << group.key << "did not stop within" << wait.count()
                               << "ms; abandoning it";
            (void)group.pool.release();
        }
    }
}

} // namespace qradio::queue
