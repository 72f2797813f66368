// SPDX-License-Identifier: MIT
#pragma once
//! \file detail/invoker.h
//! Internal: the machinery behind Server::api() (see qradio/invoker.h for what it accepts).
//! Not public API: it may change in any release.

#include <qradio/context.h>
#include <qradio/detail/outputs.h>
#include <qradio/error.h>
#include <qradio/stream.h>
#include <qradio/types.h>

#include <QCoro/QCoroAsyncGenerator>
#include <QCoro/QCoroTask>
#include <QJsonArray>
#include <QStringList>

#include <array>
#include <functional>
#include <memory>
#include <tuple>
#include <type_traits>

namespace qradio::detail {

// ---- callable introspection ------------------------------------------------------------------
template<typename F>
struct FnTraits : FnTraits<decltype(&std::remove_cvref_t<F>::operator())> {};
template<typename R, typename... A>
struct FnTraits<R (*)(A...)> { using Ret = R; using Args = std::tuple<A...>; };
template<typename R, typename... A>
struct FnTraits<R (*)(A...) noexcept> : FnTraits<R (*)(A...)> {};
template<typename C, typename R, typename... A>
struct FnTraits<R (C::*)(A...)> : FnTraits<R (*)(A...)> {};
template<typename C, typename R, typename... A>
struct FnTraits<R (C::*)(A...) const> : FnTraits<R (*)(A...)> {};
template<typename C, typename R, typename... A>
struct FnTraits<R (C::*)(A...) noexcept> : FnTraits<R (*)(A...)> {};
template<typename C, typename R, typename... A>
struct FnTraits<R (C::*)(A...) const noexcept> : FnTraits<R (*)(A...)> {};

template<typename T> struct IsTask : std::false_type {};
template<typename T> struct IsTask<QCoro::Task<T>> : std::true_type { using Value = T; };
template<typename T> struct IsAsyncGen : std::false_type {};
template<typename T> struct IsAsyncGen<QCoro::AsyncGenerator<T>> : std::true_type { using Value = T; };
template<typename T> struct IsStream : std::false_type {};
template<typename T> struct IsStream<Stream<T>> : std::true_type { using Value = T; };

template<typename A>
inline constexpr bool isContextArg = std::is_same_v<std::remove_cvref_t<A>, Context>;
template<typename A>
inline constexpr bool isStreamArg = IsStream<std::remove_cvref_t<A>>::value;
template<typename A>
inline constexpr bool isInjected = isContextArg<A> || isStreamArg<A>;

//! Where argument i of the callable comes from in the API argument list (-1: injected).
template<typename... A>
constexpr std::array<int, sizeof...(A)> apiIndices()
{
    std::array<int, sizeof...(A)> out{};
    constexpr bool injected[] = {isInjected<A>..., false};
    int next = 0;
    for (std::size_t i = 0; i < sizeof...(A); ++i)
        out[i] = injected[i] ? -1 : next++;
    return out;
}

//! What the invoker hands every argument's holder.
struct CallEnv
{
    Context *context;
    const QJsonArray &args;
    const QStringList &names;
    Emit push;
};

template<typename A, typename = void>
struct Holder
{
    using Value = std::remove_cvref_t<A>;
    static_assert(isApiType<Value>, "qradio: this parameter type has no qradio::TypeInfo specialisation");
    using type = Value;
    static type make(CallEnv &env, int index)
    {
        QString error;
        auto value = TypeInfo<Value>::fromJson(env.args.at(index), &error);
        if (!value) {
            const QString name = env.names.value(index);
            throw ArgumentError(name, QStringLiteral("Parameter '%1': %2").arg(name, error));
        }
        return std::move(*value);
    }
};
template<typename A>
struct Holder<A, std::enable_if_t<isContextArg<A>>>
{
    using type = std::reference_wrapper<Context>;
    static type make(CallEnv &env, int) { return *env.context; }
};
template<typename A>
struct Holder<A, std::enable_if_t<isStreamArg<A>>>
{
    using type = std::remove_cvref_t<A>;
    static type make(CallEnv &env, int) { return type(env.push); }
};

template<typename A, typename H>
decltype(auto) unwrap(H &h)
{
    if constexpr (isContextArg<A>)
        return static_cast<A>(h.get());
    else if constexpr (isStreamArg<A>)
        return static_cast<A>(h);
    else
        return static_cast<A &&>(h);
}

template<typename... A>
struct FindStream { using Value = void; };
template<typename A, typename... Rest>
struct FindStream<A, Rest...>
    : std::conditional_t<isStreamArg<A>, IsStream<std::remove_cvref_t<A>>, FindStream<Rest...>> {};

template<typename Args, typename Seq = std::make_index_sequence<std::tuple_size_v<Args>>>
struct Binder;
template<typename... A, std::size_t... I>
struct Binder<std::tuple<A...>, std::index_sequence<I...>>
{
    using Holders = std::tuple<typename Holder<A>::type...>;
    static constexpr auto indices = apiIndices<A...>();
    static constexpr int apiCount = int((0 + ... + (isInjected<A> ? 0 : 1)));
    static constexpr int streamCount = int((0 + ... + (isStreamArg<A> ? 1 : 0)));

    static Holders bind(CallEnv &env) { return Holders{Holder<A>::make(env, indices[I])...}; }
    template<typename F>
    static decltype(auto) call(F &fn, Holders &h) { return fn(unwrap<A>(std::get<I>(h))...); }
    static QList<QJsonObject> paramSchemas()
    {
        QList<QJsonObject> out;
        ((isInjected<A> ? void() : out.append(schemaOf<A>())), ...);
        return out;
    }
    template<typename X>
    static QJsonObject schemaOf()
    {
        if constexpr (isInjected<X>)
            return {};
        else
            return TypeInfo<std::remove_cvref_t<X>>::schema();
    }
    //! The T of the Stream<T>& argument (void if there is none).
    using StreamValue = typename FindStream<A...>::Value;
};


//! How many API parameters (all but Context& and Stream<T>&) the callable F takes.
template<typename F>
inline constexpr int apiArity = Binder<typename FnTraits<std::remove_cvref_t<F>>::Args>::apiCount;

//! The type-erased endpoint body.
struct Invoker
{
    QList<QJsonObject> paramSchemas;
    QList<QJsonObject> returnSchemas;
    bool generator = false; //!< yields several values
    bool coroutine = false; //!< runs on the network thread through runAsync
    //! Converts the arguments without calling; throws ArgumentError.
    std::function<void(const QJsonArray &args, const QStringList &names)> validate;
    //! Blocking body, for a worker thread. Throws qradio::Error or anything else on failure.
    std::function<QJsonArray(Context &, const QJsonArray &args, const QStringList &names, const Emit &)> run;
    //! Coroutine body, started on the network thread.
    std::function<QCoro::Task<QJsonArray>(Context, QJsonArray args, QStringList names, Emit)> runAsync;
};

template<typename B, typename F>
QCoro::Task<QJsonArray> runTask(std::shared_ptr<F> fn, Context ctx, QJsonArray args, QStringList names, Emit push)
{
    using R = typename IsTask<typename FnTraits<F>::Ret>::Value;
    CallEnv env{&ctx, args, names, push};
    auto holders = B::bind(env);
    if constexpr (std::is_void_v<R>) {
        co_await B::call(*fn, holders);
        co_return QJsonArray();
    } else {
        R result = co_await B::call(*fn, holders);
        co_return Outputs<R>::make(result);
    }
}

template<typename B, typename F>
QCoro::Task<QJsonArray> runGenerator(std::shared_ptr<F> fn, Context ctx, QJsonArray args, QStringList names, Emit push)
{
    using T = typename IsAsyncGen<typename FnTraits<F>::Ret>::Value;
    CallEnv env{&ctx, args, names, push};
    auto holders = B::bind(env);
    auto generator = B::call(*fn, holders);
    QJsonArray last = nullOutputs(Outputs<T>::count);
    auto it = co_await generator.begin();
    while (it != generator.end()) {
        last = Outputs<T>::make(*it);
        push(last);
        co_await ctx.waitForClient(); // back-pressure: a slow reader holds the generator back
        ctx.checkCancelled();         // destroys the generator at its suspension point
        co_await ++it;
    }
    co_return last;
}

//! Builds the Invoker for any supported callable.
template<typename Fn>
Invoker makeInvoker(Fn &&callable)
{
    using F = std::remove_cvref_t<Fn>;
    using Traits = FnTraits<F>;
    using R = typename Traits::Ret;
    using B = Binder<typename Traits::Args>;
    static_assert(B::streamCount <= 1, "qradio: an endpoint takes at most one qradio::Stream<T>&");

    auto fn = std::make_shared<F>(std::forward<Fn>(callable));
    Invoker inv;
    inv.paramSchemas = B::paramSchemas();
    inv.validate = [](const QJsonArray &args, const QStringList &names) {
        Context none(nullptr); // bound but never used: validation only converts
        CallEnv env{&none, args, names, {}};
        (void)B::bind(env);
    };

    if constexpr (IsTask<R>::value) {
        static_assert(B::streamCount == 0, "qradio: coroutines stream with QCoro::AsyncGenerator, not Stream<T>");
        inv.coroutine = true;
        inv.returnSchemas = Outputs<typename IsTask<R>::Value>::schemas();
        inv.runAsync = [fn](Context ctx, QJsonArray args, QStringList names, Emit push) {
            return runTask<B, F>(fn, std::move(ctx), std::move(args), std::move(names), std::move(push));
        };
    } else if constexpr (IsAsyncGen<R>::value) {
        static_assert(B::streamCount == 0, "qradio: coroutines stream with QCoro::AsyncGenerator, not Stream<T>");
        inv.coroutine = true;
        inv.generator = true;
        inv.returnSchemas = Outputs<typename IsAsyncGen<R>::Value>::schemas();
        inv.runAsync = [fn](Context ctx, QJsonArray args, QStringList names, Emit push) {
            return runGenerator<B, F>(fn, std::move(ctx), std::move(args), std::move(names), std::move(push));
        };
    } else if constexpr (B::streamCount == 1) {
        static_assert(std::is_void_v<R>, "qradio: a function taking Stream<T>& returns void");
        using T = typename B::StreamValue;
        inv.generator = true;
        inv.returnSchemas = Outputs<T>::schemas();
        inv.run = [fn](Context &ctx, const QJsonArray &args, const QStringList &names, const Emit &push) {
            CallEnv env{&ctx, args, names, push};
            auto holders = B::bind(env);
            B::call(*fn, holders);
            return std::get<Stream<T>>(holders).last();
        };
    } else {
        inv.returnSchemas = Outputs<R>::schemas();
        inv.run = [fn](Context &ctx, const QJsonArray &args, const QStringList &names, const Emit &push) {
            CallEnv env{&ctx, args, names, push};
            auto holders = B::bind(env);
            if constexpr (std::is_void_v<R>) {
                B::call(*fn, holders);
                return QJsonArray();
            } else {
                return Outputs<R>::make(B::call(*fn, holders));
            }
        };
    }
    return inv;
}

} // namespace qradio::detail
