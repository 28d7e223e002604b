#include "ton/tvm_stack.h"

#include <nlohmann/json.hpp>

#include "ton/boc.h"

namespace cocoon::ton {
namespace {

using nlohmann::json;

constexpr int kMaxNesting = 32;

Status Malformed(const std::string& what) { return ProtocolError("runGetMethod stack: " + what); }

Result<std::string> BocBase64(const CellRef& cell) {
  if (!cell) return InvalidArgument("stack entry has no cell");
  COCOON_ASSIGN_OR_RETURN(Bytes boc, SerializeBoc(cell, {false, false}));
  return Base64Encode(boc);
}

Result<CellRef> CellFromBase64(const json& value) {
  if (!value.is_string()) return Malformed("cell bytes are not a string");
  Result<Bytes> bytes = Base64Decode(value.get<std::string>());
  if (!bytes.ok()) return Malformed("cell bytes are not base64");
  Result<CellRef> cell = DeserializeBocSingleRoot(*bytes);
  if (!cell.ok()) return Malformed("cell is not a valid BoC: " + cell.status().message());
  return cell;
}

Result<TvmInt> NumberFrom(const json& value) {
  if (!value.is_string()) return Malformed("number is not a string");
  Result<TvmInt> n = TvmInt::Parse(value.get<std::string>());
  if (!n.ok()) return Malformed(n.status().message());
  return n;
}

Result<StackEntry> DecodeTyped(const json& entry, int depth);

Result<std::vector<StackEntry>> DecodeElements(const json& holder, int depth) {
  if (depth > kMaxNesting) return Malformed("tuples nested too deeply");
  if (!holder.is_object() || !holder.contains("elements") || !holder["elements"].is_array()) {
    return Malformed("tuple has no elements");
  }
  std::vector<StackEntry> items;
  for (const json& e : holder["elements"]) {
    COCOON_ASSIGN_OR_RETURN(StackEntry item, DecodeTyped(e, depth + 1));
    items.push_back(std::move(item));
  }
  return items;
}

// The typed tonlib form used inside tuples: {"@type": "tvm.stackEntryNumber", ...}.
Result<StackEntry> DecodeTyped(const json& e, int depth) {
  if (!e.is_object() || !e.contains("@type") || !e["@type"].is_string())
    return Malformed("entry has no @type");
  const std::string type = e["@type"];
  StackEntry out;
  if (type == "tvm.stackEntryNumber") {
    if (!e.contains("number") || !e["number"].is_object() || !e["number"].contains("number")) {
      return Malformed("number entry without number");
    }
    out.kind = StackEntry::Kind::kNumber;
    COCOON_ASSIGN_OR_RETURN(out.number, NumberFrom(e["number"]["number"]));
  } else if (type == "tvm.stackEntryCell" || type == "tvm.stackEntrySlice") {
    const bool cell = type == "tvm.stackEntryCell";
    const char* key = cell ? "cell" : "slice";
    if (!e.contains(key) || !e[key].is_object() || !e[key].contains("bytes"))
      return Malformed("cell entry without bytes");
    out.kind = cell ? StackEntry::Kind::kCell : StackEntry::Kind::kSlice;
    COCOON_ASSIGN_OR_RETURN(out.cell, CellFromBase64(e[key]["bytes"]));
  } else if (type == "tvm.stackEntryTuple" || type == "tvm.stackEntryList") {
    const bool tuple = type == "tvm.stackEntryTuple";
    const char* key = tuple ? "tuple" : "list";
    if (!e.contains(key)) return Malformed("tuple entry without elements");
    out.kind = tuple ? StackEntry::Kind::kTuple : StackEntry::Kind::kList;
    COCOON_ASSIGN_OR_RETURN(out.items, DecodeElements(e[key], depth));
  } else if (type == "tvm.stackEntryNull") {
    out.kind = StackEntry::Kind::kNull;
  } else {
    return Malformed("unknown entry type " + type);
  }
  return out;
}

}  // namespace

StackEntry StackEntry::Number(TvmInt n) {
  StackEntry e;
  e.kind = Kind::kNumber;
  e.number = std::move(n);
  return e;
}
StackEntry StackEntry::Cell(CellRef c) {
  StackEntry e;
  e.kind = Kind::kCell;
  e.cell = std::move(c);
  return e;
}
StackEntry StackEntry::Slice(CellRef c) {
  StackEntry e;
  e.kind = Kind::kSlice;
  e.cell = std::move(c);
  return e;
}
StackEntry StackEntry::Tuple(std::vector<StackEntry> items) {
  StackEntry e;
  e.kind = Kind::kTuple;
  e.items = std::move(items);
  return e;
}

Result<json> EncodeStackRequest(const std::vector<StackEntry>& stack) {
  json out = json::array();
  for (const StackEntry& e : stack) {
    switch (e.kind) {
      case StackEntry::Kind::kNumber:
        out.push_back(json::array({"num", e.number.ToHex()}));
        break;
      case StackEntry::Kind::kCell: {
        COCOON_ASSIGN_OR_RETURN(std::string b64, BocBase64(e.cell));
        out.push_back(json::array({"tvm.Cell", b64}));
        break;
      }
      case StackEntry::Kind::kSlice: {
        COCOON_ASSIGN_OR_RETURN(std::string b64, BocBase64(e.cell));
        out.push_back(json::array({"tvm.Slice", b64}));
        break;
      }
      default:
        return InvalidArgument("runGetMethod accepts numbers, cells and slices as arguments");
    }
  }
  return out;
}

Result<std::vector<StackEntry>> DecodeStackResponse(const json& stack) {
  if (!stack.is_array()) return Malformed("not an array");
  std::vector<StackEntry> out;
  for (const json& item : stack) {
    if (!item.is_array() || item.empty() || !item[0].is_string())
      return Malformed("entry is not [type, value]");
    const std::string type = item[0];
    const json& value = item.size() > 1 ? item[1] : json();
    StackEntry e;
    if (type == "num" || type == "number" || type == "int") {
      e.kind = StackEntry::Kind::kNumber;
      COCOON_ASSIGN_OR_RETURN(e.number, NumberFrom(value));
    } else if (type == "cell" || type == "tvm.Cell" || type == "slice" || type == "tvm.Slice") {
      e.kind = (type == "cell" || type == "tvm.Cell") ? StackEntry::Kind::kCell
                                                      : StackEntry::Kind::kSlice;
      const json& bytes = value.is_object() && value.contains("bytes") ? value["bytes"] : value;
      COCOON_ASSIGN_OR_RETURN(e.cell, CellFromBase64(bytes));
    } else if (type == "tuple" || type == "list") {
      e.kind = type == "tuple" ? StackEntry::Kind::kTuple : StackEntry::Kind::kList;
      COCOON_ASSIGN_OR_RETURN(e.items, DecodeElements(value, 1));
    } else if (type == "null") {
      e.kind = StackEntry::Kind::kNull;
    } else {
      return Malformed("unknown entry type " + type);
    }
    out.push_back(std::move(e));
  }
  return out;
}

}  // namespace cocoon::ton
