// SPDX-License-Identifier: MIT
#pragma once
// A strict reader of Prometheus's text format 0.0.4, for the tests: every sample must belong to
// a family announced by HELP and TYPE before it, histograms must be cumulative with +Inf ==
// _count. Errors are collected, not thrown.

#include <QByteArray>
#include <QHash>
#include <QList>
#include <QMap>
#include <QRegularExpression>
#include <QStringList>

#include <cmath>

struct Sample
{
    QString name;
    QMap<QString, QString> labels;
    double value = 0;
};

struct Exposition
{
    QList<Sample> samples;
    QHash<QString, QString> types; //!< family -> counter, gauge, histogram
    QStringList errors;

    //! The value of the one sample with this name and at least these labels; NaN if none.
    double value(const QString &name, const QMap<QString, QString> &labels = {}) const
    {
        for (const Sample &s : samples) {
            if (s.name != name)
                continue;
            bool all = true;
            for (auto it = labels.cbegin(); it != labels.cend(); ++it)
                all = all && s.labels.value(it.key()) == it.value();
            if (all)
                return s.value;
        }
        return std::nan("");
    }
    bool has(const QString &name) const
    {
        for (const Sample &s : samples)
            if (s.name == name)
                return true;
        return false;
    }
};

inline Exposition parseExposition(const QByteArray &text)
{
    Exposition e;
    QHash<QString, bool> help;
    static const QRegularExpression sampleRe(QStringLiteral("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(.*)\\})? (\\S+)$"));
    static const QRegularExpression labelRe(QStringLiteral("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"(,|$)"));
    if (!text.endsWith('\n'))
        e.errors << QStringLiteral("the text does not end with a newline");
    for (const QByteArray &raw : text.split('\n')) {
        const QString line = QString::fromUtf8(raw);
        if (line.isEmpty())
            continue;
        if (line.startsWith(u"# HELP ")) {
            help.insert(line.section(u' ', 2, 2), true);
            continue;
        }
        if (line.startsWith(u"# TYPE ")) {
            const QString name = line.section(u' ', 2, 2);
            if (e.types.contains(name))
                e.errors << QStringLiteral("TYPE twice for %1").arg(name);
            if (!help.contains(name))
                e.errors << QStringLiteral("TYPE before HELP for %1").arg(name);
            e.types.insert(name, line.section(u' ', 3, 3));
            continue;
        }
        const auto m = sampleRe.match(line);
        if (!m.hasMatch()) {
            e.errors << QStringLiteral("not a sample: %1").arg(line);
            continue;
        }
        Sample s;
        s.name = m.captured(1);
        const QString labels = m.captured(3);
        qsizetype pos = 0;
        while (pos < labels.size()) {
            const auto l = labelRe.match(labels, pos, QRegularExpression::NormalMatch,
                                         QRegularExpression::AnchorAtOffsetMatchOption);
            if (!l.hasMatch()) {
                e.errors << QStringLiteral("bad labels: %1").arg(line);
                break;
            }
            s.labels.insert(l.captured(1), l.captured(2));
            pos = l.capturedEnd();
        }
        bool ok = false;
        const QString v = m.captured(4);
        s.value = v == u"+Inf" ? INFINITY : v.toDouble(&ok);
        if (!ok && v != u"+Inf")
            e.errors << QStringLiteral("bad value: %1").arg(line);
        QString family = s.name;
        for (const char *suffix : {"_bucket", "_sum", "_count"}) {
            const QString sfx = QString::fromLatin1(suffix);
            if (s.name.endsWith(sfx) && e.types.value(s.name.chopped(sfx.size())) == u"histogram")
                family = s.name.chopped(sfx.size());
        }
        if (!e.types.contains(family))
            e.errors << QStringLiteral("sample without HELP/TYPE: %1").arg(line);
        else if (e.types.value(family) == u"counter" && !s.name.endsWith(u"_total"))
            e.errors << QStringLiteral("counter not named _total: %1").arg(s.name);
        e.samples.append(s);
    }
    // Histograms: per label set, buckets non-decreasing in `le` order and +Inf == _count.
    QHash<QString, QList<QPair<double, double>>> buckets;
    for (const Sample &s : std::as_const(e.samples)) {
        if (!s.name.endsWith(u"_bucket"))
            continue;
        QMap<QString, QString> rest = s.labels;
        const QString le = rest.take(QStringLiteral("le"));
        QString key = s.name.chopped(7) + u'|';
        for (auto it = rest.cbegin(); it != rest.cend(); ++it)
            key += it.key() + u'=' + it.value() + u',';
        buckets[key].append({le == u"+Inf" ? INFINITY : le.toDouble(), s.value});
    }
    for (auto it = buckets.cbegin(); it != buckets.cend(); ++it) {
        const auto &list = it.value();
        for (qsizetype i = 1; i < list.size(); ++i)
            if (list[i].first <= list[i - 1].first || list[i].second < list[i - 1].second)
                e.errors << QStringLiteral("histogram %1 not cumulative").arg(it.key());
        if (list.isEmpty() || !std::isinf(list.back().first)) {
            e.errors << QStringLiteral("histogram %1 without +Inf").arg(it.key());
            continue;
        }
        const QString family = it.key().section(u'|', 0, 0);
        QMap<QString, QString> labels;
        for (const QString &kv : it.key().section(u'|', 1).split(u',', Qt::SkipEmptyParts))
            labels.insert(kv.section(u'=', 0, 0), kv.section(u'=', 1));
        if (e.value(family + QStringLiteral("_count"), labels) != list.back().second)
            e.errors << QStringLiteral("histogram %1: +Inf != _count").arg(it.key());
    }
    return e;
}
