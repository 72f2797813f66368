// SPDX-License-Identifier: MIT
#include <qradio/file.h>

#include <QFileInfo>

namespace qradio {

File File::fromPath(const QString &path, const QString &name)
{
    File f;
    f.path = path;
    f.name = name.isEmpty() ? QFileInfo(path).fileName() : name;
    return f;
}

QJsonObject TypeInfo<File>::schema()
{
    const auto nullable = [](const char *type) {
        return QJsonObject{{QStringLiteral("oneOf"), QJsonArray{QJsonObject{{QStringLiteral("type"), QStringLiteral("null")}},
                                                                 QJsonObject{{QStringLiteral("type"), QLatin1String(type)}}}}};
    };
    const QJsonObject meta{{QStringLiteral("type"), QStringLiteral("object")},
                           {QStringLiteral("properties"),
                            QJsonObject{{QStringLiteral("_type"), QJsonObject{{QStringLiteral("const"), QStringLiteral("gradio.FileData")}}}}},
                           {QStringLiteral("required"), QJsonArray{QStringLiteral("_type")}}};
    return {{QStringLiteral("type"), QStringLiteral("object")},
            {QStringLiteral("properties"),
             QJsonObject{{QStringLiteral("path"), QJsonObject{{QStringLiteral("type"), QStringLiteral("string")}}},
                         {QStringLiteral("url"), nullable("string")},
                         {QStringLiteral("size"), nullable("integer")},
                         {QStringLiteral("orig_name"), nullable("string")},
                         {QStringLiteral("mime_type"), nullable("string")},
                         {QStringLiteral("is_stream"), QJsonObject{{QStringLiteral("type"), QStringLiteral("boolean")}}},
                         {QStringLiteral("meta"), meta}}},
            {QStringLiteral("required"), QJsonArray{QStringLiteral("path"), QStringLiteral("url"), QStringLiteral("size"),
                                                    QStringLiteral("orig_name"), QStringLiteral("mime_type"),
                                                    QStringLiteral("is_stream"), QStringLiteral("meta")}}};
}

std::optional<File> TypeInfo<File>::fromJson(const QJsonValue &v, QString *error)
{
    const QJsonObject o = v.toObject();
    if (!v.isObject() || !o.value(QLatin1String("path")).isString()
        || o.value(QLatin1String("meta")).toObject().value(QLatin1String("_type")).toString() != QLatin1String("gradio.FileData")) {
        detail::setError(error, QStringLiteral("a file (a FileData object, e.g. from handle_file())"), v);
        return std::nullopt;
    }
    File f;
    f.path = o.value(QLatin1String("path")).toString();
    f.name = o.value(QLatin1String("orig_name")).toString();
    if (f.name.isEmpty())
        f.name = QFileInfo(f.path).fileName();
    f.size = o.value(QLatin1String("size")).isDouble() ? o.value(QLatin1String("size")).toInteger() : -1;
    f.mimeType = o.value(QLatin1String("mime_type")).toString();
    return f;
}

QJsonValue TypeInfo<File>::toJson(const File &file)
{
    const auto orNull = [](const QString &s) { return s.isEmpty() ? QJsonValue() : QJsonValue(s); };
    return QJsonObject{{QStringLiteral("path"), file.path},
                       {QStringLiteral("url"), QJsonValue()},
                       {QStringLiteral("size"), file.size >= 0 ? QJsonValue(file.size) : QJsonValue()},
                       {QStringLiteral("orig_name"), orNull(file.name)},
                       {QStringLiteral("mime_type"), orNull(file.mimeType)},
                       {QStringLiteral("is_stream"), false},
                       {QStringLiteral("meta"), QJsonObject{{QStringLiteral("_type"), QStringLiteral("gradio.FileData")}}}};
}

} // namespace qradio
