// Metrics for the admin port (DESIGN.md §7): a registry of counters, gauges
// and histograms that a daemon updates on its hot paths and that the admin
// server renders as Prometheus text exposition format 0.0.4 on /metrics.
//
// There is no global registry: a daemon creates one MetricsRegistry and
// passes it (or the families it registered) to the parts that count things,
// so tests can inspect a private registry.
//
// Model: a family (CounterFamily, GaugeFamily, HistogramFamily) has a name,
// help text and label names; it holds one child (Counter, Gauge, Histogram)
// per distinct tuple of label values. A family without labels has exactly
// one child, created at registration, which is rendered even when zero.
// Values that only exist at scrape time (e.g. in-flight requests per worker,
// read from the proxy's routing table) come from collectors: callbacks that
// write samples through a MetricsWriter while RenderPrometheus runs.
//
// Thread-safety: everything here may be called from any thread without
// external synchronization. Updating a child is a few relaxed atomic
// operations (no lock). WithLabels takes a shared lock to find a child and an
// exclusive one only to create it; hot paths should look a child up once and
// keep the reference, which stays valid as long as the registry lives.
// RenderPrometheus runs collectors on the calling thread, outside the
// registry's locks, so a collector may itself register families.
//
// Errors: invalid or duplicate names and bad histogram bounds are refused at
// registration with kInvalidArgument / kFailedPrecondition; nothing throws.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "util/status.h"

namespace cocoon::admin {

// Label values of one child, in the order of the family's label names.
using LabelValues = std::vector<std::string>;

// A monotonic counter. Integral increments are exact up to 2^64.
class Counter {
 public:
  Counter() = default;
  Counter(const Counter&) = delete;
  Counter& operator=(const Counter&) = delete;

  void Inc(uint64_t n = 1) { whole_.fetch_add(n, std::memory_order_relaxed); }
  // REQUIRES: v >= 0. Negative or NaN increments are ignored (a counter
  // never goes down). Integral values are added exactly, as by Inc.
  void Add(double v);

  double value() const;

 private:
  friend class CounterFamily;  // renders whole_ exactly
  std::atomic<uint64_t> whole_{0};
  std::atomic<double> fraction_{0};  // sum of the double increments
};

// A value that goes up and down.
class Gauge {
 public:
  Gauge() = default;
  Gauge(const Gauge&) = delete;
  Gauge& operator=(const Gauge&) = delete;

  void Set(double v) { value_.store(v, std::memory_order_relaxed); }
  void Add(double v) { value_.fetch_add(v, std::memory_order_relaxed); }
  void Sub(double v) { value_.fetch_sub(v, std::memory_order_relaxed); }
  void Inc() { Add(1); }
  void Dec() { Sub(1); }

  double value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0};
};

// Observations counted into fixed buckets (upper bounds, inclusive, as
// Prometheus' `le`), plus their sum. Rendered cumulatively with a final
// +Inf bucket; _count is the +Inf bucket, so it always matches the buckets.
class Histogram {
 public:
  // REQUIRES: `bounds` strictly increasing and finite (the family checks).
  explicit Histogram(std::vector<double> bounds);
  Histogram(const Histogram&) = delete;
  Histogram& operator=(const Histogram&) = delete;

  // NaN is ignored.
  void Observe(double v);

  struct Snapshot {
    std::vector<uint64_t> cumulative;  // one per bound, then +Inf
    double sum = 0;
    uint64_t count = 0;  // == cumulative.back()
  };
  // Taken without a lock: under concurrent Observe calls, sum may include an
  // observation the buckets do not yet show (or the reverse).
  Snapshot snapshot() const;

 private:
  const std::vector<double> bounds_;
  std::unique_ptr<std::atomic<uint64_t>[]> buckets_;  // bounds_.size() + 1, not cumulative
  std::atomic<double> sum_{0};
};

enum class MetricType { kCounter, kGauge, kHistogram };

// What every family has; the typed families below add their children.
class MetricFamilyBase {
 public:
  virtual ~MetricFamilyBase() = default;
  MetricFamilyBase(const MetricFamilyBase&) = delete;
  MetricFamilyBase& operator=(const MetricFamilyBase&) = delete;

  const std::string& name() const { return name_; }
  const std::string& help() const { return help_; }
  const std::vector<std::string>& label_names() const { return label_names_; }
  MetricType type() const { return type_; }
  // Calls of WithLabels with the wrong number of values so far (a bug in
  // the caller; see WithLabels).
  uint64_t label_mismatches() const { return mismatches_.load(std::memory_order_relaxed); }

 protected:
  MetricFamilyBase(MetricType type, std::string name, std::string help,
                   std::vector<std::string> label_names);
  // Logs (once per family) and counts a wrong-arity WithLabels.
  void NoteMismatch(size_t got) const;

 private:
  friend class MetricsRegistry;
  // Appends the family's samples in exposition format (nothing if it has no
  // children).
  virtual void Render(std::string& out) const = 0;

  const MetricType type_;
  const std::string name_;
  const std::string help_;
  const std::vector<std::string> label_names_;
  mutable std::atomic<uint64_t> mismatches_{0};
};

template <typename Child>
class MetricFamily : public MetricFamilyBase {
 public:
  // The child for `values` (created on first use). The reference is stable
  // for the registry's lifetime; keep it for hot paths.
  // REQUIRES: values.size() == label_names().size(). A call that breaks this
  // gets a detached child that is never rendered (and is logged and counted
  // in label_mismatches()), so a bug in a daemon's instrumentation never
  // takes the daemon down.
  Child& WithLabels(const LabelValues& values);
  // The only child of a family without labels.
  Child& Get() { return WithLabels({}); }

 protected:
  using MetricFamilyBase::MetricFamilyBase;
  virtual std::unique_ptr<Child> MakeChild() const = 0;

  // Children in label order, for Render.
  template <typename Fn>
  void ForEachChild(Fn&& fn) const {
    std::shared_lock lock(mu_);
    for (const auto& [values, child] : children_) fn(values, *child);
  }

 private:
  mutable std::shared_mutex mu_;
  std::map<LabelValues, std::unique_ptr<Child>> children_;
  std::once_flag detached_once_;
  std::unique_ptr<Child> detached_;
};

extern template class MetricFamily<Counter>;
extern template class MetricFamily<Gauge>;
extern template class MetricFamily<Histogram>;

class CounterFamily final : public MetricFamily<Counter> {
 private:
  friend class MetricsRegistry;
  CounterFamily(std::string name, std::string help, std::vector<std::string> label_names)
      : MetricFamily(MetricType::kCounter, std::move(name), std::move(help),
                     std::move(label_names)) {}
  std::unique_ptr<Counter> MakeChild() const override { return std::make_unique<Counter>(); }
  void Render(std::string& out) const override;
};

class GaugeFamily final : public MetricFamily<Gauge> {
 private:
  friend class MetricsRegistry;
  GaugeFamily(std::string name, std::string help, std::vector<std::string> label_names)
      : MetricFamily(MetricType::kGauge, std::move(name), std::move(help), std::move(label_names)) {
  }
  std::unique_ptr<Gauge> MakeChild() const override { return std::make_unique<Gauge>(); }
  void Render(std::string& out) const override;
};

class HistogramFamily final : public MetricFamily<Histogram> {
 public:
  // The bucket upper bounds, without +Inf.
  const std::vector<double>& bounds() const { return bounds_; }

 private:
  friend class MetricsRegistry;
  HistogramFamily(std::string name, std::string help, std::vector<std::string> label_names,
                  std::vector<double> bounds);
  std::unique_ptr<Histogram> MakeChild() const override {
    return std::make_unique<Histogram>(bounds_);
  }
  void Render(std::string& out) const override;

  const std::vector<double> bounds_;
};

// Bucket bounds for request latencies in seconds: 0.001 … 60.
std::vector<double> LatencySecondsBuckets();

// One sample a collector writes: label values (in the order of the label
// names given with it) and a value.
struct CollectedSample {
  LabelValues label_values;
  double value = 0;
};

// Handed to collectors during RenderPrometheus; each call writes one whole
// family. A family that is invalid (bad name or label names, a name already
// used by a registered family or earlier in this scrape, a sample with the
// wrong number of label values) is not written, and the call returns why.
// Samples are written sorted by label values.
//
// Thread-safety: used only on the thread running the collector, during the
// callback.
class MetricsWriter {
 public:
  MetricsWriter(const MetricsWriter&) = delete;
  MetricsWriter& operator=(const MetricsWriter&) = delete;

  Status WriteGauge(std::string_view name, std::string_view help,
                    const std::vector<std::string>& label_names,
                    std::vector<CollectedSample> samples);
  Status WriteCounter(std::string_view name, std::string_view help,
                      const std::vector<std::string>& label_names,
                      std::vector<CollectedSample> samples);
  // A family without labels and one sample.
  Status WriteGauge(std::string_view name, std::string_view help, double value);
  Status WriteCounter(std::string_view name, std::string_view help, double value);

 private:
  friend class MetricsRegistry;
  MetricsWriter(std::string& out, std::set<std::string>& used) : out_(out), used_(used) {}
  Status Write(MetricType type, std::string_view name, std::string_view help,
               const std::vector<std::string>& label_names, std::vector<CollectedSample> samples);

  std::string& out_;
  std::set<std::string>& used_;  // sample names taken so far
};

using Collector = std::function<void(MetricsWriter&)>;

class MetricsRegistry {
 public:
  MetricsRegistry() = default;
  MetricsRegistry(const MetricsRegistry&) = delete;
  MetricsRegistry& operator=(const MetricsRegistry&) = delete;

  // Register a family. Names match [a-zA-Z_:][a-zA-Z0-9_:]*; label names
  // match [a-zA-Z_][a-zA-Z0-9_]*, do not start with "__", and are distinct.
  // A name already used is refused (kFailedPrecondition), including the
  // _bucket/_sum/_count series of a histogram. The returned family lives as
  // long as the registry.
  Result<CounterFamily*> AddCounter(std::string name, std::string help,
                                    std::vector<std::string> label_names = {});
  Result<GaugeFamily*> AddGauge(std::string name, std::string help,
                                std::vector<std::string> label_names = {});
  // `bounds`: bucket upper bounds, strictly increasing, finite (a trailing
  // +Inf is allowed and dropped: it is always added). Label "le" is
  // reserved.
  Result<HistogramFamily*> AddHistogram(std::string name, std::string help,
                                        std::vector<std::string> label_names,
                                        std::vector<double> bounds);

  // Adds a callback run on every RenderPrometheus; its families appear at
  // its place in registration order. It must not throw (a collector that
  // throws is skipped and logged).
  void AddCollector(Collector collector);

  // The whole registry in Prometheus text exposition format 0.0.4: for each
  // family in registration order `# HELP`, `# TYPE` and its samples, children
  // sorted by label values. Families with no children yet are left out.
  std::string RenderPrometheus() const;

 private:
  struct Entry {
    std::unique_ptr<MetricFamilyBase> family;  // or
    std::shared_ptr<Collector> collector;
  };
  Status Reserve(const std::string& name, MetricType type,
                 const std::vector<std::string>& label_names);

  mutable std::mutex mu_;
  std::vector<Entry> entries_;
  std::set<std::string> used_names_;  // sample names of registered families
};

// Exposed for tests and collectors' callers.
// The shortest text that reads back as `v`; integral values without a
// fraction ("3", not "3.0"); "+Inf", "-Inf", "NaN".
std::string FormatMetricValue(double v);
// Label value escaping of the exposition format: \ " and newline.
std::string EscapeLabelValue(std::string_view v);
Status ValidateMetricName(std::string_view name);
Status ValidateLabelName(std::string_view name);

}  // namespace cocoon::admin
