// SPDX-License-Identifier: MIT
#include "exposition.h"

#include <QDir>
#include <QFile>

#include <cmath>

#ifdef Q_OS_LINUX
#include <sys/resource.h>
#include <unistd.h>
#endif

namespace qradio::metrics {

static QByteArray number(double value)
{
    if (std::isinf(value))
        return value > 0 ? "+Inf" : "-Inf";
    if (std::isnan(value))
        return "NaN";
    if (value == std::floor(value) && std::abs(value) < 1e15)
        return QByteArray::number(qint64(value));
    return QByteArray::number(value, 'g', 17);
}

static QByteArray escaped(const QByteArray &value)
{
    QByteArray out;
    out.reserve(value.size());
    for (const char c : value) {
        if (c == '\\')
            out += "\\\\";
        else if (c == '"')
            out += "\\\"";
        else if (c == '\n')
            out += "\\n";
        else
            out += c;
    }
    return out;
}

void Exposition::family(const QByteArray &name, const QByteArray &help, const QByteArray &type)
{
    m_text += "# HELP " + name + ' ' + help + "\n# TYPE " + name + ' ' + type + '\n';
}

void Exposition::line(const QByteArray &name, const Labels &labels, const QByteArray &value)
{
    m_text += name;
    if (!labels.isEmpty()) {
        m_text += '{';
        for (qsizetype i = 0; i < labels.size(); ++i)
            m_text += (i ? ",": "") + labels[i].first + "=\"" + escaped(labels[i].second) + '"';
        m_text += '}';
    }
    m_text += ' ' + value + '\n';
}

void Exposition::sample(const QByteArray &name, const Labels &labels, double value)
{
    line(name, labels, number(value));
}

void Exposition::histogram(const QByteArray &name, const Labels &labels, const Histogram::Snapshot &snapshot)
{
    for (qsizetype i = 0; i < snapshot.cumulative.size(); ++i) {
        Labels withLe = labels;
        withLe.append({"le", i < snapshot.bounds.size() ? number(snapshot.bounds[i]) : QByteArray("+Inf")});
        line(name + "_bucket", withLe, QByteArray::number(snapshot.cumulative[i]));
    }
    line(name + "_sum", labels, number(snapshot.sum));
    line(name + "_count", labels, QByteArray::number(snapshot.count));
}

void Exposition::processMetrics()
{
#ifdef Q_OS_LINUX
    QFile statFile(QStringLiteral("/proc/self/stat"));
    if (!statFile.open(QIODevice::ReadOnly))
        return;
    const QByteArray stat = statFile.readAll();
    // Fields after the command name (which may hold spaces) in parentheses; utime is field 14.
    const QList<QByteArray> f = stat.mid(stat.lastIndexOf(')') + 2).split(' ');
    if (f.size() < 22)
        return;
    const double ticks = double(sysconf(_SC_CLK_TCK));
    const double pageSize = double(sysconf(_SC_PAGESIZE));
    // f[0] is field 3 (state): field n is f[n - 3].
    const double cpu = (f[11].toDouble() + f[12].toDouble()) / ticks;
    const double startTicks = f[19].toDouble();
    const double rss = f[21].toDouble() * pageSize;
    double bootTime = 0;
    QFile procStat(QStringLiteral("/proc/stat"));
    if (procStat.open(QIODevice::ReadOnly)) {
        for (const QByteArray &l : procStat.readAll().split('\n'))
            if (l.startsWith("btime "))
                bootTime = l.mid(6).trimmed().toDouble();
    }
    family("process_cpu_seconds_total", "Total user and system CPU time spent in seconds.", "counter");
    sample("process_cpu_seconds_total", {}, cpu);
    family("process_resident_memory_bytes", "Resident memory size in bytes.", "gauge");
    sample("process_resident_memory_bytes", {}, rss);
    family("process_start_time_seconds", "Start time of the process since unix epoch in seconds.", "gauge");
    sample("process_start_time_seconds", {}, bootTime + startTicks / ticks);
    const qsizetype fds = QDir(QStringLiteral("/proc/self/fd")).entryList(QDir::AllEntries | QDir::System | QDir::Hidden | QDir::NoDotAndDotDot).size();
    family("process_open_fds", "Number of open file descriptors.", "gauge");
    sample("process_open_fds", {}, double(fds));
    rlimit limit{};
    if (getrlimit(RLIMIT_NOFILE, &limit) == 0) {
        family("process_max_fds", "Maximum number of open file descriptors.", "gauge");
        sample("process_max_fds", {}, limit.rlim_cur == RLIM_INFINITY ? 1e18 : double(limit.rlim_cur));
    }
#endif
}

} // namespace qradio::metrics
