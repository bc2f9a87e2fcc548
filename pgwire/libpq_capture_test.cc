// The codec against real traffic: libpq clients (pgbench, psql) and a
// PostgreSQL 15 server, captured by a proxy (libpq_capture_data.h). Every
// message is decoded, checked, and re-encoded by our encoders to the very
// same bytes; the SCRAM and MD5 exchanges are replayed against our server
// side.

#include <doctest/doctest.h>

#include <array>

#include "pgwire/backend.h"
#include "pgwire/backend_parse.h"
#include "pgwire/framer.h"
#include "pgwire/frontend.h"
#include "pgwire/libpq_capture_data.h"
#include "pgwire/password.h"
#include "pgwire/scram.h"
#include "pgwire/startup.h"
#include "pgwire/test_util.h"

namespace immu::pgwire {
namespace {

using testing::FromHexString;

struct Frontend {
  StartupPacket startup;
  std::string startup_bytes;
  std::vector<std::pair<char, std::string>> typed;  // type, body
};

// Splits the client stream with the real framer; bodies are copied so they
// outlive the splitter.
Frontend SplitFrontend(const std::string& bytes) {
  Frontend out;
  FrameSplitter splitter;
  splitter.Append(bytes);
  std::optional<Frame> f = splitter.Next();
  REQUIRE(f);
  out.startup_bytes = std::string(f->body);
  out.startup = ParseStartupPacket(out.startup_bytes);
  splitter.set_phase(FramePhase::kNormal);
  while ((f = splitter.Next())) out.typed.emplace_back(f->type, std::string(f->body));
  CHECK(splitter.buffered() == 0);
  return out;
}

std::string Types(const std::vector<std::pair<char, std::string>>& msgs) {
  std::string s;
  for (const auto& m : msgs) s.push_back(m.first);
  return s;
}

// Decodes one backend message and encodes it again with backend.h.
std::string ReencodeBackend(char type, const std::string& body) {
  MessageWriter w;
  switch (type) {
    case 'R': {
      AuthenticationMessage a = ParseAuthentication(body);
      switch (a.code) {
        case AuthCode::kOk: AppendAuthenticationOk(&w); break;
        case AuthCode::kCleartextPassword: AppendAuthenticationCleartextPassword(&w); break;
        case AuthCode::kMd5Password: {
          std::array<uint8_t, 4> salt;
          for (int i = 0; i < 4; i++) salt[i] = static_cast<uint8_t>(a.data[i]);
          AppendAuthenticationMd5Password(&w, salt);
          break;
        }
        case AuthCode::kSasl: AppendAuthenticationSasl(&w, a.mechanisms); break;
        case AuthCode::kSaslContinue: AppendAuthenticationSaslContinue(&w, a.data); break;
        case AuthCode::kSaslFinal: AppendAuthenticationSaslFinal(&w, a.data); break;
      }
      break;
    }
    case 'S': {
      auto [name, value] = ParseParameterStatus(body);
      AppendParameterStatus(&w, name, value);
      break;
    }
    case 'K': {
      auto [pid, key] = ParseBackendKeyData(body);
      AppendBackendKeyData(&w, pid, key);
      break;
    }
    case 'Z': AppendReadyForQuery(&w, ParseReadyForQuery(body)); break;
    case 'T': AppendRowDescription(&w, ParseRowDescription(body)); break;
    case 'D': AppendDataRow(&w, ParseDataRow(body)); break;
    case 'C': AppendCommandComplete(&w, ParseCommandComplete(body)); break;
    case 'E': AppendErrorResponse(&w, ParseErrorFields(body)); break;
    case 'N': AppendNoticeResponse(&w, ParseErrorFields(body)); break;
    case 'G':
    case 'H': {
      CopyResponse c = ParseCopyResponse(body);
      if (type == 'G') {
        AppendCopyInResponse(&w, c.overall_format, c.column_formats);
      } else {
        AppendCopyOutResponse(&w, c.overall_format, c.column_formats);
      }
      break;
    }
    case 'd': AppendCopyData(&w, body); break;
    case 'c': ParseEmptyMessage(body); AppendCopyDone(&w); break;
    case '1': ParseEmptyMessage(body); AppendParseComplete(&w); break;
    case '2': ParseEmptyMessage(body); AppendBindComplete(&w); break;
    case 'I': ParseEmptyMessage(body); AppendEmptyQueryResponse(&w); break;
    default: FAIL("unexpected backend message type");
  }
  return w.buffer();
}

// Re-encodes every message of a stream and compares with the original.
void CheckReencoding(const Frontend& fe, const std::vector<std::pair<char, std::string>>& be) {
  std::vector<std::pair<std::string_view, std::string_view>> params(
      fe.startup.parameters.begin(), fe.startup.parameters.end());
  CHECK(EncodeStartupMessage(params).substr(4) == fe.startup_bytes);
  for (const auto& [type, body] : fe.typed) {
    MessageWriter w;
    AppendFrontendMessage(&w, ParseFrontendMessage(type, body));
    CHECK(w.buffer().substr(5) == body);
  }
  for (const auto& m : be) {
    CAPTURE(m.first);
    CHECK(ReencodeBackend(m.first, m.second).substr(5) == m.second);
  }
}

std::string_view Attr(std::string_view msg, std::string_view prefix) {
  const size_t at = msg.find(prefix);
  REQUIRE(at != std::string_view::npos);
  std::string_view v = msg.substr(at + prefix.size());
  return v.substr(0, v.find(','));
}

TEST_CASE("libpq capture: extended protocol with SCRAM-SHA-256") {
  const Frontend fe = SplitFrontend(FromHexString(testing::kExtendedFrontend));
  const auto be = testing::SplitTyped(FromHexString(testing::kExtendedBackend));
  CHECK(fe.startup.user() == "alice");
  CHECK(fe.startup.database() == "postgres");
  CHECK(Types(fe.typed) == "ppPBDESX");
  CHECK(Types(be) == "RRRRSSSSSSSSSSSSSKZ12TDCZ");
  CheckReencoding(fe, be);

  const auto parse = std::get<ParseMessage>(ParseFrontendMessage('P', fe.typed[2].second));
  CHECK(parse.statement.empty());
  CHECK(parse.query == "select $1::int + 1 as n, $$abc$$::text as s, null::int as z;");
  CHECK(parse.param_types.empty());
  const auto bind = std::get<BindMessage>(ParseFrontendMessage('B', fe.typed[3].second));
  REQUIRE(bind.values.size() == 1);
  CHECK(bind.values[0] == std::optional<std::string_view>("5"));
  CHECK(bind.ResultFormat(2) == kFormatText);
  CHECK(std::get<DescribeMessage>(ParseFrontendMessage('D', fe.typed[4].second)).kind ==
        TargetKind::kPortal);
  CHECK(std::get<ExecuteMessage>(ParseFrontendMessage('E', fe.typed[5].second)).max_rows == 0);

  const auto fields = ParseRowDescription(be[21].second);
  REQUIRE(fields.size() == 3);
  CHECK(fields[0] == FieldDescription{"n", 0, 0, 23, 4, -1, 0});
  CHECK(fields[1] == FieldDescription{"s", 0, 0, 25, -1, -1, 0});
  const auto row = ParseDataRow(be[22].second);
  REQUIRE(row.size() == 3);
  CHECK(*row[0] == "6");
  CHECK(*row[1] == "abc");
  CHECK_FALSE(row[2]);

  // Replay libpq's SCRAM messages against our server side: with PostgreSQL's
  // stored verifier and its server nonce, we must say exactly what it said.
  const SaslInitialResponse init = ParseSaslInitialResponse(fe.typed[0].second);
  CHECK(init.mechanism == kScramSha256);
  REQUIRE(init.data);
  const std::string client_final = fe.typed[1].second;
  CHECK(ParseAuthentication(be[0].second).mechanisms ==
        std::vector<std::string_view>{kScramSha256});
  const std::string pg_server_first(ParseAuthentication(be[1].second).data);
  const std::string pg_server_final(ParseAuthentication(be[2].second).data);
  const std::string_view client_nonce = Attr(*init.data, "r=");
  const std::string_view full_nonce = Attr(pg_server_first, "r=");
  REQUIRE(full_nonce.substr(0, client_nonce.size()) == client_nonce);
  std::optional<ScramVerifier> v = ScramVerifier::Parse(
      "SCRAM-SHA-256$4096:IqnHShA5V5T9iQWFZnQYfg==$BPa6Xgxy1EATU17yERab6S8duIVJ7254xtLtXoEYIfY="
      ":5jrpUJkIFvlt3P4Le6mDvQ9FwA+CNbCJHZnaHO3Q/Ag=");
  REQUIRE(v);
  ScramServerExchange ex(*v, std::string(full_nonce.substr(client_nonce.size())));
  CHECK(ex.HandleClientFirst(*init.data) == pg_server_first);
  std::optional<std::string> ours = ex.HandleClientFinal(client_final);
  REQUIRE(ours);
  CHECK(*ours == pg_server_final);
}

TEST_CASE("libpq capture: simple query, MD5 and an error") {
  const Frontend fe = SplitFrontend(FromHexString(testing::kSimpleFrontend));
  const auto be = testing::SplitTyped(FromHexString(testing::kSimpleBackend));
  CHECK(fe.startup.user() == "bob");
  CHECK(fe.startup.Get(kParamApplicationName) == "psql");
  CHECK(Types(fe.typed) == "pQX");
  CHECK(Types(be) == "RRSSSSSSSSSSSSSKZTDCEZ");
  CheckReencoding(fe, be);

  const AuthenticationMessage md5 = ParseAuthentication(be[0].second);
  REQUIRE(md5.code == AuthCode::kMd5Password);
  std::array<uint8_t, 4> salt;
  for (int i = 0; i < 4; i++) salt[i] = static_cast<uint8_t>(md5.data[i]);
  const std::string_view response = ParsePasswordMessage(fe.typed[0].second);
  CHECK(VerifyMd5Response(Md5PasswordHash("secret", "bob"), salt, response));
  CHECK_FALSE(VerifyMd5Response(Md5PasswordHash("secret2", "bob"), salt, response));

  const ErrorFields err = ParseErrorFields(be[20].second);
  CHECK(err.severity == "ERROR");
  CHECK(err.sqlstate == "42P01");
  CHECK(err.message == "relation \"nonexistent\" does not exist");
  CHECK(err.position == 47);
  CHECK_FALSE(err.routine.empty());
  CHECK(ParseReadyForQuery(be.back().second) == TransactionStatus::kIdle);
}

TEST_CASE("libpq capture: COPY in and out, NOTICE, empty query") {
  const Frontend fe = SplitFrontend(FromHexString(testing::kCopyFrontend));
  const auto be = testing::SplitTyped(FromHexString(testing::kCopyBackend));
  CHECK(Types(fe.typed) == "pQQdcQQQX");
  CHECK(Types(be) == "RRSSSSSSSSSSSSSKZCZGCZHddcCZNCZIZ");
  CheckReencoding(fe, be);
  CHECK(std::get<CopyDataMessage>(ParseFrontendMessage('d', fe.typed[3].second)).data ==
        "1\thello\n2\t\\N\n");
  CHECK(std::get<QueryMessage>(ParseFrontendMessage('Q', fe.typed[7].second)).query.empty());
  CHECK(ParseCopyResponse(be[19].second) == CopyResponse{0, {0, 0}});
  const ErrorFields notice = ParseErrorFields(be[28].second);
  CHECK(notice.severity == "NOTICE");
  CHECK(notice.sqlstate == "00000");
  CHECK(notice.message == "hi 1");
  CHECK(notice.where.find("PL/pgSQL") != std::string::npos);
}

}  // namespace
}  // namespace immu::pgwire
