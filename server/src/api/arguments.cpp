// SPDX-License-Identifier: MIT
#include "arguments.h"

#include <qradio/error.h>

namespace qradio::api {

QStringList parameterNames(const EndpointSpec &endpoint)
{
    QStringList names;
    for (const Param &p : endpoint.params)
        names.append(p.name);
    return names;
}

QJsonArray normalizeArguments(const EndpointSpec &endpoint, QJsonArray args)
{
    const auto &params = endpoint.params;
    if (args.size() > params.size())
        throw ArgumentError(QString(), QStringLiteral("'%1' takes %2 argument%3 but %4 %5 given")
                                           .arg(endpoint.name)
                                           .arg(params.size())
                                           .arg(params.size() == 1 ? QString() : QStringLiteral("s"))
                                           .arg(args.size())
                                           .arg(args.size() == 1 ? QStringLiteral("was") : QStringLiteral("were")));
    for (qsizetype i = 0; i < params.size(); ++i) {
        const Param &param = params[i];
        const bool missing = i >= args.size() || (args.at(i).isNull() && param.hasDefault());
        if (missing) {
            if (!param.hasDefault())
                throw ArgumentError(param.name, QStringLiteral("Missing value for required parameter '%1'").arg(param.name));
            if (i < args.size())
                args[i] = param.defaultValue;
            else
                args.append(param.defaultValue);
        }
        if (!param.choices.isEmpty() && !param.choices.contains(args.at(i)))
            throw ArgumentError(param.name, QStringLiteral("Parameter '%1': %2 is not one of the allowed values")
                                                .arg(param.name, describeJson(args.at(i))));
    }
    const QStringList names = parameterNames(endpoint);
    if (endpoint.batch) {
        // A batch function takes lists: check one sample as a batch of one.
        QJsonArray wrapped;
        for (const QJsonValue &v : std::as_const(args))
            wrapped.append(QJsonArray{v});
        endpoint.invoker.validate(wrapped, names);
    } else {
        endpoint.invoker.validate(args, names);
    }
    return args;
}

QJsonArray namedToPositional(const EndpointSpec &endpoint, const QJsonObject &named, UnknownNames unknown)
{
    const QStringList names = parameterNames(endpoint);
    for (auto it = named.begin(); unknown == UnknownNames::Refuse && it != named.end(); ++it)
        if (!names.contains(it.key()))
            throw ArgumentError(it.key(), QStringLiteral("Parameter '%1' is not a valid keyword argument").arg(it.key()));
    QJsonArray args;
    for (const Param &param : endpoint.params) {
        if (named.contains(param.name))
            args.append(named.value(param.name));
        else if (param.hasDefault())
            args.append(param.defaultValue);
        else
            throw ArgumentError(param.name, QStringLiteral("No value provided for required argument: %1").arg(param.name));
    }
    return args;
}

} // namespace qradio::api
