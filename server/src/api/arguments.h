// SPDX-License-Identifier: MIT
#pragma once

#include <qradio/endpoint.h>

#include <QJsonArray>
#include <QJsonObject>

namespace qradio::api {

//! Positional arguments as the endpoint will receive them: trailing missing or null values
//! take their defaults, the count is checked, choices and types are checked.
//! Throws ArgumentError naming the parameter.
QJsonArray normalizeArguments(const EndpointSpec &endpoint, QJsonArray args);

//! Maps named arguments (/call/v2) to positions, as the Python client does.
QJsonArray namedToPositional(const EndpointSpec &endpoint, const QJsonObject &named);

QStringList parameterNames(const EndpointSpec &endpoint);

//! The schema of a file (FileData, what qradio::File declares): both clients treat such a
//! parameter as a file, and /info calls its type `filepath`.
bool isFileSchema(const QJsonObject &schema);

} // namespace qradio::api
