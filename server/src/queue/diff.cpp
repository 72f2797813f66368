// SPDX-License-Identifier: MIT
#include "diff.h"

#include <QJsonObject>

namespace qradio::queue {

static void diffInto(const QJsonValue &from, const QJsonValue &to, const QJsonArray &path, QJsonArray &out)
{
    if (from == to)
        return;
    auto edit = [&](const char *action, const QJsonArray &p, const QJsonValue &v) {
        out.append(QJsonArray{QString::fromLatin1(action), p, v});
    };
    if (from.type() != to.type()) {
        edit("replace", path, to);
        return;
    }
    if (from.isString()) {
        const QString a = from.toString();
        const QString b = to.toString();
        if (b.startsWith(a))
            edit("append", path, b.mid(a.size()));
        else
            edit("replace", path, to);
        return;
    }
    if (from.isArray()) {
        const QJsonArray a = from.toArray();
        const QJsonArray b = to.toArray();
        const qsizetype common = std::min(a.size(), b.size());
        for (qsizetype i = 0; i < common; ++i) {
            QJsonArray p = path;
            p.append(i);
            diffInto(a.at(i), b.at(i), p, out);
        }
        // Surplus old elements go from the end, so each index is right when applied in order.
        for (qsizetype i = a.size() - 1; i >= common; --i) {
            QJsonArray p = path;
            p.append(i);
            edit("delete", p, QJsonValue());
        }
        for (qsizetype i = common; i < b.size(); ++i) {
            QJsonArray p = path;
            p.append(i);
            edit("add", p, b.at(i));
        }
        return;
    }
    if (from.isObject()) {
        const QJsonObject a = from.toObject();
        const QJsonObject b = to.toObject();
        for (auto it = a.begin(); it != a.end(); ++it) {
            QJsonArray p = path;
            p.append(it.key());
            if (b.contains(it.key()))
                diffInto(it.value(), b.value(it.key()), p, out);
            else
                edit("delete", p, QJsonValue());
        }
        for (auto it = b.begin(); it != b.end(); ++it) {
            if (a.contains(it.key()))
                continue;
            QJsonArray p = path;
            p.append(it.key());
            edit("add", p, it.value());
        }
        return;
    }
    edit("replace", path, to);
}

QJsonArray diff(const QJsonValue &from, const QJsonValue &to)
{
    QJsonArray out;
    diffInto(from, to, QJsonArray(), out);
    return out;
}

static QJsonValue applyAt(const QJsonValue &value, const QJsonArray &path, qsizetype depth, const QString &action,
                          const QJsonValue &arg)
{
    if (depth == path.size()) {
        if (action == QLatin1String("replace"))
            return arg;
        if (action == QLatin1String("append")) {
            if (value.isString())
                return value.toString() + arg.toString();
            return value.toDouble() + arg.toDouble();
        }
        return value;
    }
    const QJsonValue key = path.at(depth);
    const bool last = depth + 1 == path.size();
    if (value.isArray()) {
        QJsonArray array = value.toArray();
        const qsizetype i = key.toInteger();
        if (last && action == QLatin1String("add")) {
            array.insert(i, arg);
        } else if (last && action == QLatin1String("delete")) {
            if (i >= 0 && i < array.size())
                array.removeAt(i);
        } else if (i >= 0 && i < array.size()) {
            array[i] = applyAt(array.at(i), path, depth + 1, action, arg);
        }
        return array;
    }
    QJsonObject object = value.toObject();
    const QString k = key.toString();
    if (last && action == QLatin1String("add"))
        object.insert(k, arg);
    else if (last && action == QLatin1String("delete"))
        object.remove(k);
    else
        object.insert(k, applyAt(object.value(k), path, depth + 1, action, arg));
    return object;
}

QJsonValue applyDiff(QJsonValue value, const QJsonArray &edits)
{
    for (const QJsonValue &e : edits) {
        const QJsonArray edit = e.toArray();
        value = applyAt(value, edit.at(1).toArray(), 0, edit.at(0).toString(), edit.at(2));
    }
    return value;
}

} // namespace qradio::queue
