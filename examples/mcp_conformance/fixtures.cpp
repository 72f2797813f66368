// SPDX-License-Identifier: MIT
// The fixtures of the MCP conformance suite's "everything server", in C++.
#include "fixtures.h"

#include <qradio/context.h>
#include <qradio/error.h>
#include <qradio/mcp.h>

#include <QJsonDocument>

using namespace std::chrono_literals;
using qradio::Context;
using qradio::mcp::Content;
using qradio::mcp::PromptMessage;

namespace {

// A 1x1 red PNG and a minimal WAV file.
const QByteArray kPng = QByteArray::fromBase64(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==");
const QByteArray kWav = QByteArray::fromBase64("UklGRiYAAABXQVZFZm10IBAAAAABAAEAQB8AAAB9AAACABAAZGF0YQIAAAA=");

QString compact(const QJsonValue &value)
{
    if (value.isObject())
        return QString::fromUtf8(QJsonDocument(value.toObject()).toJson(QJsonDocument::Compact));
    return QStringLiteral("{}");
}

QJsonObject stringProperty(const QString &description, const QJsonValue &defaultValue = QJsonValue::Undefined)
{
    QJsonObject p{{QStringLiteral("type"), QStringLiteral("string")}, {QStringLiteral("description"), description}};
    if (!defaultValue.isUndefined())
        p.insert(QStringLiteral("default"), defaultValue);
    return p;
}

QString elicitationSummary(const QJsonObject &result)
{
    return QStringLiteral("Elicitation completed: action=%1, content=%2")
        .arg(result.value(QLatin1String("action")).toString(), compact(result.value(QLatin1String("content"))));
}

void registerTools(qradio::McpRegistry &mcp)
{
    mcp.tool(QStringLiteral("test_simple_text"), [] { return QStringLiteral("This is a simple text response for testing."); })
        .description(QStringLiteral("Tests simple text content response"));

    mcp.tool(QStringLiteral("test_image_content"), [] { return Content::image(kPng, QStringLiteral("image/png")); })
        .description(QStringLiteral("Tests image content response"));

    mcp.tool(QStringLiteral("test_audio_content"), [] { return Content::audio(kWav, QStringLiteral("audio/wav")); })
        .description(QStringLiteral("Tests audio content response"));

    mcp.tool(QStringLiteral("test_embedded_resource"), [] {
           return Content::resource(QStringLiteral("test://embedded-resource"), QStringLiteral("text/plain"),
                                    QStringLiteral("This is an embedded resource content."));
       })
        .description(QStringLiteral("Tests embedded resource content response"));

    mcp.tool(QStringLiteral("test_multiple_content_types"), [] {
           return QList<Content>{Content::text(QStringLiteral("Multiple content types test:")),
                                 Content::image(kPng, QStringLiteral("image/png")),
                                 Content::resource(QStringLiteral("test://mixed-content-resource"), QStringLiteral("application/json"),
                                                   QStringLiteral("{\"test\":\"data\",\"value\":123}"))};
       })
        .description(QStringLiteral("Tests response with multiple content types (text, image, resource)"));

    // Context::info() becomes notifications/message (level info) for an MCP caller.
    mcp.tool(QStringLiteral("test_tool_with_logging"), [](Context &ctx) {
           ctx.info(QStringLiteral("Tool execution started"));
           ctx.sleepFor(50ms);
           ctx.info(QStringLiteral("Tool processing data"));
           ctx.sleepFor(50ms);
           ctx.info(QStringLiteral("Tool execution completed"));
           return QStringLiteral("Tool with logging executed successfully");
       })
        .description(QStringLiteral("Tests tool that emits log messages during execution"));

    // Context::progress() becomes notifications/progress when the request carries a progressToken.
    mcp.tool(QStringLiteral("test_tool_with_progress"), [](Context &ctx) {
           for (int step : {0, 50, 100}) {
               ctx.progress(step, 100, QStringLiteral("steps"), QStringLiteral("Completed step %1 of 100").arg(step));
               if (step < 100)
                   ctx.sleepFor(50ms);
           }
           return QStringLiteral("Progress test completed");
       })
        .description(QStringLiteral("Tests tool that reports progress notifications"));

    mcp.tool(QStringLiteral("test_error_handling"), []() -> QString {
           throw qradio::Error(QStringLiteral("This tool intentionally returns an error for testing"));
       })
        .description(QStringLiteral("Tests error response handling"));

    mcp.tool(QStringLiteral("test_sampling"), [](Context &ctx, const QString &prompt) {
           const QJsonObject result = qradio::mcp::createMessage(
               ctx, {{QStringLiteral("messages"),
                      QJsonArray{QJsonObject{{QStringLiteral("role"), QStringLiteral("user")},
                                             {QStringLiteral("content"), QJsonObject{{QStringLiteral("type"), QStringLiteral("text")},
                                                                                     {QStringLiteral("text"), prompt}}}}}},
                     {QStringLiteral("maxTokens"), 100}});
           const QString text = result.value(QLatin1String("content")).toObject().value(QLatin1String("text")).toString();
           return QStringLiteral("LLM response: %1").arg(text.isEmpty() ? QStringLiteral("No response") : text);
       })
        .params({{"prompt", "The prompt to send to the LLM"}})
        .description(QStringLiteral("Tests server-initiated sampling (LLM completion request)"));

    mcp.tool(QStringLiteral("test_elicitation"), [](Context &ctx, const QString &message) {
           const QJsonObject schema{
               {QStringLiteral("type"), QStringLiteral("object")},
               {QStringLiteral("properties"), QJsonObject{{QStringLiteral("username"), stringProperty(QStringLiteral("User's response"))},
                                                          {QStringLiteral("email"), stringProperty(QStringLiteral("User's email address"))}}},
               {QStringLiteral("required"), QJsonArray{QStringLiteral("username"), QStringLiteral("email")}}};
           const QJsonObject result = qradio::mcp::elicit(ctx, message, schema);
           return QStringLiteral("User response: action=%1, content=%2")
               .arg(result.value(QLatin1String("action")).toString(), compact(result.value(QLatin1String("content"))));
       })
        .params({{"message", "The message to show the user"}})
        .description(QStringLiteral("Tests server-initiated elicitation (user input request)"));

    mcp.tool(QStringLiteral("test_elicitation_sep1034_defaults"), [](Context &ctx) {
           const QJsonObject properties{
               {QStringLiteral("name"), stringProperty(QStringLiteral("User name"), QStringLiteral("John Doe"))},
               {QStringLiteral("age"), QJsonObject{{QStringLiteral("type"), QStringLiteral("integer")},
                                                   {QStringLiteral("description"), QStringLiteral("User age")},
                                                   {QStringLiteral("default"), 30}}},
               {QStringLiteral("score"), QJsonObject{{QStringLiteral("type"), QStringLiteral("number")},
                                                     {QStringLiteral("description"), QStringLiteral("User score")},
                                                     {QStringLiteral("default"), 95.5}}},
               {QStringLiteral("status"), QJsonObject{{QStringLiteral("type"), QStringLiteral("string")},
                                                      {QStringLiteral("description"), QStringLiteral("User status")},
                                                      {QStringLiteral("enum"), QJsonArray{QStringLiteral("active"), QStringLiteral("inactive"),
                                                                                         QStringLiteral("pending")}},
                                                      {QStringLiteral("default"), QStringLiteral("active")}}},
               {QStringLiteral("verified"), QJsonObject{{QStringLiteral("type"), QStringLiteral("boolean")},
                                                        {QStringLiteral("description"), QStringLiteral("Verification status")},
                                                        {QStringLiteral("default"), true}}}};
           return elicitationSummary(qradio::mcp::elicit(
               ctx, QStringLiteral("Please review and update the form fields with defaults"),
               {{QStringLiteral("type"), QStringLiteral("object")}, {QStringLiteral("properties"), properties}, {QStringLiteral("required"), QJsonArray()}}));
       })
        .description(QStringLiteral("Tests elicitation with default values per SEP-1034"));

    mcp.tool(QStringLiteral("test_elicitation_sep1330_enums"), [](Context &ctx) {
           auto titled = [](const QStringList &values, const QStringList &titles) {
               QJsonArray out;
               for (qsizetype i = 0; i < values.size(); ++i)
                   out.append(QJsonObject{{QStringLiteral("const"), values[i]}, {QStringLiteral("title"), titles[i]}});
               return out;
           };
           const QStringList options{QStringLiteral("option1"), QStringLiteral("option2"), QStringLiteral("option3")};
           const QStringList values{QStringLiteral("value1"), QStringLiteral("value2"), QStringLiteral("value3")};
           const QJsonObject properties{
               {QStringLiteral("untitledSingle"), QJsonObject{{QStringLiteral("type"), QStringLiteral("string")},
                                                              {QStringLiteral("description"), QStringLiteral("Select one option")},
                                                              {QStringLiteral("enum"), QJsonArray::fromStringList(options)}}},
               {QStringLiteral("titledSingle"),
                QJsonObject{{QStringLiteral("type"), QStringLiteral("string")},
                            {QStringLiteral("description"), QStringLiteral("Select one option with titles")},
                            {QStringLiteral("oneOf"), titled(values, {QStringLiteral("First Option"), QStringLiteral("Second Option"),
                                                                      QStringLiteral("Third Option")})}}},
               {QStringLiteral("legacyEnum"),
                QJsonObject{{QStringLiteral("type"), QStringLiteral("string")},
                            {QStringLiteral("description"), QStringLiteral("Select one option (legacy)")},
                            {QStringLiteral("enum"), QJsonArray{QStringLiteral("opt1"), QStringLiteral("opt2"), QStringLiteral("opt3")}},
                            {QStringLiteral("enumNames"), QJsonArray{QStringLiteral("Option One"), QStringLiteral("Option Two"),
                                                                     QStringLiteral("Option Three")}}}},
               {QStringLiteral("untitledMulti"),
                QJsonObject{{QStringLiteral("type"), QStringLiteral("array")},
                            {QStringLiteral("description"), QStringLiteral("Select multiple options")},
                            {QStringLiteral("minItems"), 1},
                            {QStringLiteral("maxItems"), 3},
                            {QStringLiteral("items"), QJsonObject{{QStringLiteral("type"), QStringLiteral("string")},
                                                                  {QStringLiteral("enum"), QJsonArray::fromStringList(options)}}}}},
               {QStringLiteral("titledMulti"),
                QJsonObject{{QStringLiteral("type"), QStringLiteral("array")},
                            {QStringLiteral("description"), QStringLiteral("Select multiple options with titles")},
                            {QStringLiteral("minItems"), 1},
                            {QStringLiteral("maxItems"), 3},
                            {QStringLiteral("items"),
                             QJsonObject{{QStringLiteral("anyOf"), titled(values, {QStringLiteral("First Choice"), QStringLiteral("Second Choice"),
                                                                                   QStringLiteral("Third Choice")})}}}}}};
           return elicitationSummary(qradio::mcp::elicit(
               ctx, QStringLiteral("Please select options from the enum fields"),
               {{QStringLiteral("type"), QStringLiteral("object")}, {QStringLiteral("properties"), properties}, {QStringLiteral("required"), QJsonArray()}}));
       })
        .description(QStringLiteral("Tests elicitation with enum schema improvements per SEP-1330"));

    // SEP-1613: a hand-written JSON Schema 2020-12 inputSchema is sent as is.
    const QJsonObject schema2020{
        {QStringLiteral("$schema"), QStringLiteral("https://json-schema.org/draft/2020-12/schema")},
        {QStringLiteral("type"), QStringLiteral("object")},
        {QStringLiteral("$defs"),
         QJsonObject{{QStringLiteral("address"),
                      QJsonObject{{QStringLiteral("type"), QStringLiteral("object")},
                                  {QStringLiteral("properties"), QJsonObject{{QStringLiteral("street"), QJsonObject{{QStringLiteral("type"), QStringLiteral("string")}}},
                                                                             {QStringLiteral("city"), QJsonObject{{QStringLiteral("type"), QStringLiteral("string")}}}}}}}}},
        {QStringLiteral("properties"), QJsonObject{{QStringLiteral("name"), QJsonObject{{QStringLiteral("type"), QStringLiteral("string")}}},
                                                   {QStringLiteral("address"), QJsonObject{{QStringLiteral("$ref"), QStringLiteral("#/$defs/address")}}}}},
        {QStringLiteral("additionalProperties"), false}};
    mcp.tool(QStringLiteral("json_schema_2020_12_tool"), [](std::optional<QString> name, std::optional<QJsonObject> address) {
           QJsonObject args;
           if (name)
               args.insert(QStringLiteral("name"), *name);
           if (address)
               args.insert(QStringLiteral("address"), *address);
           return QStringLiteral("JSON Schema 2020-12 tool called with: %1").arg(compact(args));
       })
        .params({{"name", "", QJsonValue::Null}, {"address", "", QJsonValue::Null}})
        .inputSchema(schema2020)
        .description(QStringLiteral("Tool with JSON Schema 2020-12 features for conformance testing (SEP-1613)"));
}

void registerResources(qradio::McpRegistry &mcp)
{
    mcp.resource(QStringLiteral("test://static-text"), QStringLiteral("static-text"),
                 [] { return QStringLiteral("This is the content of the static text resource."); })
        .title(QStringLiteral("Static Text Resource"))
        .description(QStringLiteral("A static text resource for testing"))
        .mimeType(QStringLiteral("text/plain"));

    mcp.resource(QStringLiteral("test://static-binary"), QStringLiteral("static-binary"), [] { return kPng; })
        .title(QStringLiteral("Static Binary Resource"))
        .description(QStringLiteral("A static binary resource (image) for testing"))
        .mimeType(QStringLiteral("image/png"));

    mcp.resource(QStringLiteral("test://template/{id}/data"), QStringLiteral("template"), [](const QString &id) {
           return compact(QJsonObject{{QStringLiteral("id"), id},
                                      {QStringLiteral("templateTest"), true},
                                      {QStringLiteral("data"), QStringLiteral("Data for ID: %1").arg(id)}});
       })
        .title(QStringLiteral("Resource Template"))
        .description(QStringLiteral("A resource template with parameter substitution"))
        .mimeType(QStringLiteral("application/json"));

    mcp.resource(QStringLiteral("test://watched-resource"), QStringLiteral("watched-resource"),
                 [] { return QStringLiteral("Watched resource content"); })
        .title(QStringLiteral("Watched Resource"))
        .description(QStringLiteral("A resource clients may subscribe to"))
        .mimeType(QStringLiteral("text/plain"));
}

void registerPrompts(qradio::McpRegistry &mcp)
{
    mcp.prompt(QStringLiteral("test_simple_prompt"), [] { return QStringLiteral("This is a simple prompt for testing."); })
        .title(QStringLiteral("Simple Test Prompt"))
        .description(QStringLiteral("A simple prompt without arguments"));

    mcp.prompt(QStringLiteral("test_prompt_with_arguments"), [](const QString &arg1, const QString &arg2) {
           return QStringLiteral("Prompt with arguments: arg1='%1', arg2='%2'").arg(arg1, arg2);
       })
        .params({{"arg1", "First test argument"}, {"arg2", "Second test argument"}})
        .title(QStringLiteral("Prompt With Arguments"))
        .description(QStringLiteral("A prompt with required arguments"))
        .complete(QStringLiteral("arg1"), [](const QString &value, const QJsonObject &) {
            QStringList out;
            for (const QString &v : {QStringLiteral("paris"), QStringLiteral("park"), QStringLiteral("party"), QStringLiteral("test")})
                if (v.startsWith(value))
                    out.append(v);
            return out;
        });

    mcp.prompt(QStringLiteral("test_prompt_with_embedded_resource"), [](const QString &resourceUri) {
           return QList<PromptMessage>{
               {QStringLiteral("user"), Content::resource(resourceUri, QStringLiteral("text/plain"),
                                                          QStringLiteral("Embedded resource content for testing."))},
               {QStringLiteral("user"), Content::text(QStringLiteral("Please process the embedded resource above."))}};
       })
        .params({{"resourceUri", "URI of the resource to embed"}})
        .title(QStringLiteral("Prompt With Embedded Resource"))
        .description(QStringLiteral("A prompt that includes an embedded resource"));

    mcp.prompt(QStringLiteral("test_prompt_with_image"), [] {
           return QList<PromptMessage>{{QStringLiteral("user"), Content::image(kPng, QStringLiteral("image/png"))},
                                       {QStringLiteral("user"), Content::text(QStringLiteral("Please analyze the image above."))}};
       })
        .title(QStringLiteral("Prompt With Image"))
        .description(QStringLiteral("A prompt that includes image content"));
}

} // namespace

void registerConformanceFixtures(qradio::Server &app)
{
    // The suite's tools call each other's fixtures freely: no shared concurrency limit.
    qradio::ServerOptions options = app.options();
    options.defaultConcurrencyLimit = 0;
    app.setOptions(options);
    registerTools(app.mcp());
    registerResources(app.mcp());
    registerPrompts(app.mcp());
}
