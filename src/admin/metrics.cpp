#include "admin/metrics.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <exception>
#include <limits>

namespace cocoon::admin {

namespace {

bool IsNameStart(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }

std::string EscapeHelp(std::string_view help) {
  std::string out;
  out.reserve(help.size());
  for (char c : help) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

std::string_view TypeName(MetricType type) {
  switch (type) {
    case MetricType::kCounter:
      return "counter";
    case MetricType::kGauge:
      return "gauge";
    case MetricType::kHistogram:
      return "histogram";
  }
  return "untyped";
}

void AppendHeader(std::string& out, std::string_view name, std::string_view help, MetricType type) {
  if (!help.empty()) {
    out += "# HELP ";
    out += name;
    out += ' ';
    out += EscapeHelp(help);
    out += '\n';
  }
  out += "# TYPE ";
  out += name;
  out += ' ';
  out += TypeName(type);
  out += '\n';
}

// `name{a="x",b="y"} value\n`; `extra_name` (e.g. "le") is appended last.
void AppendSample(std::string& out, std::string_view name, const std::vector<std::string>& names,
                  const LabelValues& values, std::string_view value,
                  std::string_view extra_name = {}, std::string_view extra_value = {}) {
  out += name;
  if (!names.empty() || !extra_name.empty()) {
    out += '{';
    bool first = true;
    auto label = [&](std::string_view n, std::string_view v) {
      if (!first) out += ',';
      first = false;
      out += n;
      out += "=\"";
      out += EscapeLabelValue(v);
      out += '"';
    };
    for (size_t i = 0; i < names.size(); ++i) label(names[i], values[i]);
    if (!extra_name.empty()) label(extra_name, extra_value);
    out += '}';
  }
  out += ' ';
  out += value;
  out += '\n';
}

std::vector<std::string> SampleNames(const std::string& name, MetricType type) {
  if (type == MetricType::kHistogram) {
    return {name, name + "_bucket", name + "_sum", name + "_count"};
  }
  return {name};
}

Status ValidateFamily(std::string_view name, MetricType type,
                      const std::vector<std::string>& label_names) {
  COCOON_RETURN_IF_ERROR(ValidateMetricName(name));
  std::set<std::string_view> seen;
  for (const auto& label : label_names) {
    COCOON_RETURN_IF_ERROR(ValidateLabelName(label).WithContext("metric " + std::string(name)));
    if (!seen.insert(label).second) {
      return InvalidArgument("metric " + std::string(name) + ": label name '" + label +
                             "' is given twice");
    }
    if (type == MetricType::kHistogram && label == "le") {
      return InvalidArgument("metric " + std::string(name) +
                             ": label name 'le' is reserved for histogram buckets");
    }
  }
  return Status::Ok();
}

// Checks that none of `name`'s sample names is in `used`, then adds them.
Status ReserveNames(std::set<std::string>& used, const std::string& name, MetricType type) {
  auto names = SampleNames(name, type);
  for (const auto& n : names) {
    if (used.count(n) != 0) {
      return FailedPrecondition("metric name '" + name + "' is already used (series '" + n +
                                "' exists); each metric needs its own name");
    }
  }
  used.insert(names.begin(), names.end());
  return Status::Ok();
}

}  // namespace

std::string FormatMetricValue(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  constexpr double kExactIntegers = 9007199254740992.0;  // 2^53
  if (v == std::trunc(v) && std::fabs(v) < kExactIntegers) {
    return std::to_string(static_cast<int64_t>(v));
  }
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), v);
  if (ec != std::errc()) return "NaN";  // cannot happen with 64 bytes
  return std::string(buf, end);
}

std::string EscapeLabelValue(std::string_view v) {
  std::string out;
  out.reserve(v.size());
  for (char c : v) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '"') {
      out += "\\\"";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

Status ValidateMetricName(std::string_view name) {
  bool ok = !name.empty() && (IsNameStart(name[0]) || name[0] == ':');
  for (size_t i = 1; ok && i < name.size(); ++i) {
    ok = IsNameStart(name[i]) || IsDigit(name[i]) || name[i] == ':';
  }
  if (!ok) {
    return InvalidArgument("metric name '" + std::string(name) +
                           "' is invalid: it must match [a-zA-Z_:][a-zA-Z0-9_:]*");
  }
  return Status::Ok();
}

Status ValidateLabelName(std::string_view name) {
  bool ok = !name.empty() && IsNameStart(name[0]);
  for (size_t i = 1; ok && i < name.size(); ++i) ok = IsNameStart(name[i]) || IsDigit(name[i]);
  if (!ok) {
    return InvalidArgument("label name '" + std::string(name) +
                           "' is invalid: it must match [a-zA-Z_][a-zA-Z0-9_]*");
  }
  if (name.substr(0, 2) == "__") {
    return InvalidArgument("label name '" + std::string(name) +
                           "' is invalid: names starting with '__' are reserved");
  }
  return Status::Ok();
}

std::vector<double> LatencySecondsBuckets() {
  return {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60};
}

// --- Counter, Gauge, Histogram ---

void Counter::Add(double v) {
  if (!(v >= 0)) return;  // negative or NaN
  constexpr double kTwo64 = 18446744073709551616.0;
  if (v == std::trunc(v) && v < kTwo64) {
    whole_.fetch_add(static_cast<uint64_t>(v), std::memory_order_relaxed);
  } else {
    fraction_.fetch_add(v, std::memory_order_relaxed);
  }
}

double Counter::value() const {
  return static_cast<double>(whole_.load(std::memory_order_relaxed)) +
         fraction_.load(std::memory_order_relaxed);
}

Histogram::Histogram(std::vector<double> bounds)
    : bounds_(std::move(bounds)),
      buckets_(std::make_unique<std::atomic<uint64_t>[]>(bounds_.size() + 1)) {}

void Histogram::Observe(double v) {
  if (std::isnan(v)) return;
  // The first bound >= v: buckets are inclusive upper bounds.
  size_t i = std::lower_bound(bounds_.begin(), bounds_.end(), v) - bounds_.begin();
  buckets_[i].fetch_add(1, std::memory_order_relaxed);
  sum_.fetch_add(v, std::memory_order_relaxed);
}

Histogram::Snapshot Histogram::snapshot() const {
  Snapshot s;
  s.cumulative.reserve(bounds_.size() + 1);
  uint64_t total = 0;
  for (size_t i = 0; i <= bounds_.size(); ++i) {
    total += buckets_[i].load(std::memory_order_relaxed);
    s.cumulative.push_back(total);
  }
  s.count = total;
  s.sum = sum_.load(std::memory_order_relaxed);
  return s;
}

// --- families ---

MetricFamilyBase::MetricFamilyBase(MetricType type, std::string name, std::string help,
                                   std::vector<std::string> label_names)
    : type_(type),
      name_(std::move(name)),
      help_(std::move(help)),
      label_names_(std::move(label_names)) {}

void MetricFamilyBase::NoteMismatch(size_t got) const {
  if (mismatches_.fetch_add(1, std::memory_order_relaxed) == 0) {
    spdlog::error(
        "metric {}: WithLabels got {} label values for {} label names; such updates are dropped "
        "(a bug in the caller's instrumentation)",
        name_, got, label_names_.size());
  }
}

template <typename Child>
Child& MetricFamily<Child>::WithLabels(const LabelValues& values) {
  if (values.size() != label_names().size()) {
    NoteMismatch(values.size());
    std::call_once(detached_once_, [this] { detached_ = MakeChild(); });
    return *detached_;
  }
  {
    std::shared_lock lock(mu_);
    auto it = children_.find(values);
    if (it != children_.end()) return *it->second;
  }
  std::unique_lock lock(mu_);
  auto [it, inserted] = children_.try_emplace(values);
  if (inserted) it->second = MakeChild();
  return *it->second;
}

template class MetricFamily<Counter>;
template class MetricFamily<Gauge>;
template class MetricFamily<Histogram>;

void CounterFamily::Render(std::string& out) const {
  ForEachChild([&](const LabelValues& values, const Counter& c) {
    double fraction = c.fraction_.load(std::memory_order_relaxed);
    uint64_t whole = c.whole_.load(std::memory_order_relaxed);
    std::string text = fraction == 0 ? std::to_string(whole)
                                     : FormatMetricValue(static_cast<double>(whole) + fraction);
    AppendSample(out, name(), label_names(), values, text);
  });
}

void GaugeFamily::Render(std::string& out) const {
  ForEachChild([&](const LabelValues& values, const Gauge& g) {
    AppendSample(out, name(), label_names(), values, FormatMetricValue(g.value()));
  });
}

HistogramFamily::HistogramFamily(std::string name, std::string help,
                                 std::vector<std::string> label_names, std::vector<double> bounds)
    : MetricFamily(MetricType::kHistogram, std::move(name), std::move(help),
                   std::move(label_names)),
      bounds_(std::move(bounds)) {}

void HistogramFamily::Render(std::string& out) const {
  const std::string bucket = name() + "_bucket";
  const std::string sum = name() + "_sum";
  const std::string count = name() + "_count";
  ForEachChild([&](const LabelValues& values, const Histogram& h) {
    Histogram::Snapshot s = h.snapshot();
    for (size_t i = 0; i < bounds_.size(); ++i) {
      AppendSample(out, bucket, label_names(), values, std::to_string(s.cumulative[i]), "le",
                   FormatMetricValue(bounds_[i]));
    }
    AppendSample(out, bucket, label_names(), values, std::to_string(s.count), "le", "+Inf");
    AppendSample(out, sum, label_names(), values, FormatMetricValue(s.sum));
    AppendSample(out, count, label_names(), values, std::to_string(s.count));
  });
}

// --- MetricsWriter ---

Status MetricsWriter::Write(MetricType type, std::string_view name, std::string_view help,
                            const std::vector<std::string>& label_names,
                            std::vector<CollectedSample> samples) {
  COCOON_RETURN_IF_ERROR(ValidateFamily(name, type, label_names));
  for (const auto& s : samples) {
    if (s.label_values.size() != label_names.size()) {
      return InvalidArgument("metric " + std::string(name) + ": a sample has " +
                             std::to_string(s.label_values.size()) + " label values for " +
                             std::to_string(label_names.size()) + " label names");
    }
  }
  COCOON_RETURN_IF_ERROR(ReserveNames(used_, std::string(name), type));
  std::stable_sort(samples.begin(), samples.end(),
                   [](const CollectedSample& a, const CollectedSample& b) {
                     return a.label_values < b.label_values;
                   });
  if (samples.empty()) return Status::Ok();
  AppendHeader(out_, name, help, type);
  for (const auto& s : samples) {
    AppendSample(out_, name, label_names, s.label_values, FormatMetricValue(s.value));
  }
  return Status::Ok();
}

Status MetricsWriter::WriteGauge(std::string_view name, std::string_view help,
                                 const std::vector<std::string>& label_names,
                                 std::vector<CollectedSample> samples) {
  return Write(MetricType::kGauge, name, help, label_names, std::move(samples));
}

Status MetricsWriter::WriteCounter(std::string_view name, std::string_view help,
                                   const std::vector<std::string>& label_names,
                                   std::vector<CollectedSample> samples) {
  return Write(MetricType::kCounter, name, help, label_names, std::move(samples));
}

Status MetricsWriter::WriteGauge(std::string_view name, std::string_view help, double value) {
  std::vector<CollectedSample> samples(1);
  samples[0].value = value;
  return Write(MetricType::kGauge, name, help, {}, std::move(samples));
}

Status MetricsWriter::WriteCounter(std::string_view name, std::string_view help, double value) {
  std::vector<CollectedSample> samples(1);
  samples[0].value = value;
  return Write(MetricType::kCounter, name, help, {}, std::move(samples));
}

// --- MetricsRegistry ---

Status MetricsRegistry::Reserve(const std::string& name, MetricType type,
                                const std::vector<std::string>& label_names) {
  COCOON_RETURN_IF_ERROR(ValidateFamily(name, type, label_names));
  return ReserveNames(used_names_, name, type);
}

Result<CounterFamily*> MetricsRegistry::AddCounter(std::string name, std::string help,
                                                   std::vector<std::string> label_names) {
  std::lock_guard lock(mu_);
  COCOON_RETURN_IF_ERROR(Reserve(name, MetricType::kCounter, label_names));
  auto* family = new CounterFamily(std::move(name), std::move(help), std::move(label_names));
  entries_.push_back({std::unique_ptr<MetricFamilyBase>(family), nullptr});
  if (family->label_names().empty()) family->Get();
  return family;
}

Result<GaugeFamily*> MetricsRegistry::AddGauge(std::string name, std::string help,
                                               std::vector<std::string> label_names) {
  std::lock_guard lock(mu_);
  COCOON_RETURN_IF_ERROR(Reserve(name, MetricType::kGauge, label_names));
  auto* family = new GaugeFamily(std::move(name), std::move(help), std::move(label_names));
  entries_.push_back({std::unique_ptr<MetricFamilyBase>(family), nullptr});
  if (family->label_names().empty()) family->Get();
  return family;
}

Result<HistogramFamily*> MetricsRegistry::AddHistogram(std::string name, std::string help,
                                                       std::vector<std::string> label_names,
                                                       std::vector<double> bounds) {
  if (!bounds.empty() && std::isinf(bounds.back()) && bounds.back() > 0) bounds.pop_back();
  for (size_t i = 0; i < bounds.size(); ++i) {
    if (!std::isfinite(bounds[i])) {
      return InvalidArgument("histogram " + name + ": bucket bounds must be finite numbers");
    }
    if (i > 0 && !(bounds[i] > bounds[i - 1])) {
      return InvalidArgument("histogram " + name + ": bucket bounds must be strictly increasing (" +
                             FormatMetricValue(bounds[i]) + " follows " +
                             FormatMetricValue(bounds[i - 1]) + ")");
    }
  }
  std::lock_guard lock(mu_);
  COCOON_RETURN_IF_ERROR(Reserve(name, MetricType::kHistogram, label_names));
  auto* family = new HistogramFamily(std::move(name), std::move(help), std::move(label_names),
                                     std::move(bounds));
  entries_.push_back({std::unique_ptr<MetricFamilyBase>(family), nullptr});
  if (family->label_names().empty()) family->Get();
  return family;
}

void MetricsRegistry::AddCollector(Collector collector) {
  std::lock_guard lock(mu_);
  entries_.push_back({nullptr, std::make_shared<Collector>(std::move(collector))});
}

std::string MetricsRegistry::RenderPrometheus() const {
  // Families are never removed, so plain pointers stay valid after the lock
  // is released; collectors run unlocked.
  std::vector<std::pair<const MetricFamilyBase*, std::shared_ptr<Collector>>> entries;
  std::set<std::string> used;
  {
    std::lock_guard lock(mu_);
    entries.reserve(entries_.size());
    for (const auto& e : entries_) entries.emplace_back(e.family.get(), e.collector);
    used = used_names_;
  }
  std::string out;
  for (const auto& [family, collector] : entries) {
    if (family != nullptr) {
      std::string samples;
      family->Render(samples);
      if (samples.empty()) continue;
      AppendHeader(out, family->name(), family->help(), family->type());
      out += samples;
      continue;
    }
    MetricsWriter writer(out, used);
    try {
      (*collector)(writer);
    } catch (const std::exception& e) {
      spdlog::error("metrics collector failed: {}", e.what());
    } catch (...) {
      spdlog::error("metrics collector failed");
    }
  }
  return out;
}

}  // namespace cocoon::admin
