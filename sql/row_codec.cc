#include "sql/row_codec.h"

#include <cstring>

#include "catalog/pg_error.h"
#include "sql/json.h"
#include "sql/range.h"
#include "sql/user_types.h"
#include "storage/coding.h"

namespace immu::sql {

namespace {
[[noreturn]] void Corrupt() { throw PgError(sqlstate::kDataCorrupted, "stored row does not decode"); }

Slot SlotOf(uint32_t type) {
  const TypeInfo* t = FindType(type);
  return t != nullptr ? t->slot : Slot::kString;
}
}  // namespace

void AppendKeyValue(const Value& v, std::string* out) {
  if (v.null) {
    out->push_back('\x02');  // after every present value: NULLS LAST
    return;
  }
  out->push_back('\x01');
  char buf[8];
  switch (SlotOf(v.type)) {
    case Slot::kInt:
      EncodeFixed64BE(buf, static_cast<uint64_t>(v.i) ^ (uint64_t{1} << 63));
      out->append(buf, 8);
      return;
    case Slot::kEnum:  // the label's sort order: ADD VALUE never moves existing labels
    case Slot::kFloat: {
      double d = v.f;
      if (d == 0) d = 0;  // -0 == 0
      uint64_t bits;
      memcpy(&bits, &d, 8);
      if (d != d) bits = ~uint64_t{0};  // NaN after everything
      else bits = (bits & (uint64_t{1} << 63)) ? ~bits : bits | (uint64_t{1} << 63);
      EncodeFixed64BE(buf, bits);
      out->append(buf, 8);
      return;
    }
    case Slot::kNumeric:
      v.num->AppendKeyEncoding(out);
      return;
    case Slot::kInterval:
      AppendIntervalKey(out, v.iv);
      return;
    case Slot::kRange:
      AppendRangeKey(v, out);
      return;
    case Slot::kRecord:  // field after field, as records compare
    case Slot::kArray:
      // Element keys start with 0x01/0x02; 0x00 ends the array so a prefix
      // sorts first.
      for (const auto& e : *v.arr) AppendKeyValue(e, out);
      out->push_back('\0');
      return;
    case Slot::kString: {
      if (v.type == oid::kJsonb) {  // jsonb's own order, 1.0 and 1 alike
        AppendJsonbKey(ParseJsonb(v.s), out);
        return;
      }
      std::string_view s = v.s;
      if (v.type == oid::kBpchar) {
        while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
      }
      std::string folded;  // citext keys: case-insensitive order and uniqueness
      if (v.type >= kFirstUserOid && IsCitextType(v.type)) s = folded = CitextFold(s);
      // 0x00 -> 0x00 0xff; end -> 0x00 0x01: order- and prefix-preserving.
      for (char c : s) {
        out->push_back(c);
        if (c == '\0') out->push_back('\xff');
      }
      out->push_back('\0');
      out->push_back('\x01');
      return;
    }
  }
}

void AppendRowValues(const std::vector<Value>& values, std::string* out) {
  PutFixed32LE(out, static_cast<uint32_t>(values.size()));
  char buf[8];
  for (const Value& v : values) {
    if (v.null) {
      out->push_back('\0');
      continue;
    }
    out->push_back('\x01');
    switch (SlotOf(v.type)) {
      case Slot::kInt:
        EncodeFixed64LE(buf, static_cast<uint64_t>(v.i));
        out->append(buf, 8);
        break;
      case Slot::kFloat:
        memcpy(buf, &v.f, 8);
        out->append(buf, 8);
        break;
      case Slot::kNumeric:
        v.num->EncodeValue(out);
        break;
      case Slot::kInterval:
        EncodeFixed64LE(buf, static_cast<uint64_t>(v.iv.time));
        out->append(buf, 8);
        EncodeFixed32LE(buf, static_cast<uint32_t>(v.iv.day));
        EncodeFixed32LE(buf + 4, static_cast<uint32_t>(v.iv.month));
        out->append(buf, 8);
        break;
      case Slot::kString:
        PutFixed32LE(out, static_cast<uint32_t>(v.s.size()));
        out->append(v.s);
        break;
      case Slot::kEnum:
        // The label's oid (RENAME VALUE keeps stored rows valid), framed
        // like a 4-byte string so a row whose enum column was dropped with
        // its type still decodes.
        PutFixed32LE(out, 4);
        PutFixed32LE(out, static_cast<uint32_t>(v.i));
        break;
      case Slot::kRange:  // flags, then the bounds (or ranges) as a nested row
        out->push_back(static_cast<char>(v.i));
        [[fallthrough]];
      case Slot::kRecord:
      case Slot::kArray: {
        std::string nested;
        AppendRowValues(*v.arr, &nested);
        PutFixed32LE(out, static_cast<uint32_t>(nested.size()));
        out->append(nested);
        break;
      }
    }
  }
}

void DecodeRow(std::string_view data, const std::vector<uint32_t>& types, std::vector<Value>* out) {
  out->clear();
  if (data.size() < 4) Corrupt();
  const uint32_t n = DecodeFixed32LE(data.data());
  data.remove_prefix(4);
  out->reserve(types.size());
  for (size_t c = 0; c < types.size(); c++) {
    const uint32_t type = types[c];
    if (c >= n) {
      out->push_back(Value::Null(type));
      continue;
    }
    if (data.empty()) Corrupt();
    const char tag = data[0];
    data.remove_prefix(1);
    if (tag == '\0') {
      out->push_back(Value::Null(type));
      continue;
    }
    Value v;
    v.type = BaseType(type);  // domain values carry their base type
    v.null = false;
    switch (SlotOf(type)) {
      case Slot::kInt:
        if (data.size() < 8) Corrupt();
        v.i = static_cast<int64_t>(DecodeFixed64LE(data.data()));
        data.remove_prefix(8);
        break;
      case Slot::kFloat:
        if (data.size() < 8) Corrupt();
        memcpy(&v.f, data.data(), 8);
        data.remove_prefix(8);
        break;
      case Slot::kNumeric: {
        Numeric num;
        if (!Numeric::DecodeValue(&data, &num)) Corrupt();
        v.num = std::make_shared<const Numeric>(std::move(num));
        break;
      }
      case Slot::kInterval:
        if (data.size() < 16) Corrupt();
        v.iv.time = static_cast<int64_t>(DecodeFixed64LE(data.data()));
        v.iv.day = static_cast<int32_t>(DecodeFixed32LE(data.data() + 8));
        v.iv.month = static_cast<int32_t>(DecodeFixed32LE(data.data() + 12));
        data.remove_prefix(16);
        break;
      case Slot::kString: {
        if (data.size() < 4) Corrupt();
        const uint32_t len = DecodeFixed32LE(data.data());
        data.remove_prefix(4);
        if (data.size() < len) Corrupt();
        v.s.assign(data.data(), len);
        data.remove_prefix(len);
        break;
      }
      case Slot::kEnum: {
        if (data.size() < 8 || DecodeFixed32LE(data.data()) != 4) Corrupt();
        const uint32_t label = DecodeFixed32LE(data.data() + 4);
        data.remove_prefix(8);
        const TypeDef* def = FindUserType(type);
        const EnumLabel* l = def != nullptr ? def->FindLabelByOid(label) : nullptr;
        if (l == nullptr) Corrupt();
        v.i = label;
        v.f = l->sort_order;
        v.s = l->label;
        break;
      }
      case Slot::kRange:
        if (data.empty()) Corrupt();
        v.i = static_cast<uint8_t>(data[0]);
        data.remove_prefix(1);
        [[fallthrough]];
      case Slot::kRecord:
      case Slot::kArray: {
        if (data.size() < 4) Corrupt();
        const uint32_t len = DecodeFixed32LE(data.data());
        data.remove_prefix(4);
        if (data.size() < len || len < 4) Corrupt();
        const uint32_t n = DecodeFixed32LE(data.data());
        if (n > len) Corrupt();
        std::vector<Value> elems;
        const uint32_t base = BaseType(type);
        const uint32_t mr_range = MultirangeRangeType(base);
        std::vector<uint32_t> elem_types(n, mr_range != 0           ? mr_range
                                            : RangeSubtype(base) != 0 ? RangeSubtype(base)
                                                                      : ArrayElementType(type));
        if (const TypeDef* def = FindUserType(type); def != nullptr && def->kind == 'c') {
          // Fields added later decode as NULL, as table columns do.
          elem_types.clear();
          for (const auto& f : def->fields) elem_types.push_back(f.type_oid);
        }
        DecodeRow(data.substr(0, len), elem_types, &elems);
        v.arr = std::make_shared<const ValueArray>(std::move(elems));
        data.remove_prefix(len);
        break;
      }
    }
    out->push_back(std::move(v));
  }
}

}  // namespace immu::sql
