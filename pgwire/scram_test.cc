#include "pgwire/scram.h"

#include <doctest/doctest.h>

#include "pgwire/base64.h"
#include "pgwire/password.h"
#include "pgwire/test_util.h"

namespace immu::pgwire {
namespace {

using testing::ThrownSqlState;

// RFC 7677 section 3.
constexpr std::string_view kClientNonce = "rOprNGfwEbeRWgbNEkqO";
constexpr std::string_view kServerNonce = "%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0";
constexpr std::string_view kSaltB64 = "W22ZaJ0SNY7soEsUEjb6gQ==";
constexpr std::string_view kClientFirst = "n,,n=user,r=rOprNGfwEbeRWgbNEkqO";
constexpr std::string_view kServerFirst =
    "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096";
constexpr std::string_view kClientFinal =
    "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,"
    "p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=";
constexpr std::string_view kServerFinal = "v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=";

std::string Salt() { return *Base64Decode(kSaltB64); }

// The client half of SCRAM-SHA-256, written from RFC 5802 independently of
// the server code (only the HMAC/PBKDF2 primitives are shared).
std::string ClientFinal(std::string_view password, std::string_view gs2_header,
                        std::string_view client_first_bare, std::string_view server_first) {
  // Parse r=, s=, i= from the server-first-message.
  std::string nonce, salt_b64;
  int iterations = 0;
  size_t pos = 0;
  while (pos < server_first.size()) {
    size_t comma = server_first.find(',', pos);
    if (comma == std::string_view::npos) comma = server_first.size();
    std::string_view attr = server_first.substr(pos, comma - pos);
    if (attr.substr(0, 2) == "r=") nonce = attr.substr(2);
    if (attr.substr(0, 2) == "s=") salt_b64 = attr.substr(2);
    if (attr.substr(0, 2) == "i=") iterations = std::stoi(std::string(attr.substr(2)));
    pos = comma + 1;
  }
  const ScramKey salted = ScramSaltedPassword(password, *Base64Decode(salt_b64), iterations);
  const ScramKey client_key = HmacSha256(salted, "Client Key");
  const ScramKey stored_key = Sha256Key(client_key);
  const std::string without_proof = "c=" + Base64Encode(gs2_header) + ",r=" + nonce;
  const std::string auth_message = std::string(client_first_bare) + "," +
                                   std::string(server_first) + "," + without_proof;
  const ScramKey signature = HmacSha256(stored_key, auth_message);
  ScramKey proof{};
  for (size_t i = 0; i < proof.size(); i++) proof[i] = client_key[i] ^ signature[i];
  return without_proof + ",p=" + Base64Encode(KeyView(proof));
}

TEST_CASE("base64: RFC 4648 vectors and strictness") {
  const std::pair<std::string_view, std::string_view> vectors[] = {
      {"", ""},         {"f", "Zg=="},        {"fo", "Zm8="},        {"foo", "Zm9v"},
      {"foob", "Zm9vYg=="}, {"fooba", "Zm9vYmE="}, {"foobar", "Zm9vYmFy"}};
  for (auto [plain, encoded] : vectors) {
    CHECK(Base64Encode(plain) == encoded);
    CHECK(Base64Decode(encoded) == std::optional<std::string>(plain));
  }
  std::string all;
  for (int i = 0; i < 256; i++) all.push_back(static_cast<char>(i));
  CHECK(Base64Decode(Base64Encode(all)) == all);
  for (std::string_view bad : {"Zg=", "Zg", "Z===", "Zh==", "Zm9=", "Zm 9v", "Zm9v\n", "====",
                               "Zg==Zg==", "Zm!v", "Zm8=Zm8="}) {
    CAPTURE(bad);
    CHECK_FALSE(Base64Decode(bad));
  }
}

TEST_CASE("scram: RFC 7677 exchange with injected salt and nonce") {
  const ScramVerifier v = ScramVerifier::FromPassword("pencil", Salt(), 4096);
  ScramServerExchange ex(v, std::string(kServerNonce));
  CHECK(ex.HandleClientFirst(kClientFirst) == kServerFirst);
  // The test client reproduces the RFC's client-final-message...
  CHECK(ClientFinal("pencil", "n,,", "n=user,r=rOprNGfwEbeRWgbNEkqO", kServerFirst) ==
        kClientFinal);
  // ...and the server answers with the RFC's signature.
  std::optional<std::string> final_msg = ex.HandleClientFinal(kClientFinal);
  REQUIRE(final_msg);
  CHECK(*final_msg == kServerFinal);
  CHECK(ex.authenticated());
}

TEST_CASE("scram: wrong password is a failure, not an exception") {
  const ScramVerifier v = ScramVerifier::FromPassword("pencil", Salt(), 4096);
  ScramServerExchange ex(v, std::string(kServerNonce));
  const std::string first = ex.HandleClientFirst(kClientFirst);
  const std::string final_msg =
      ClientFinal("pen", "n,,", "n=user,r=rOprNGfwEbeRWgbNEkqO", first);
  CHECK_FALSE(ex.HandleClientFinal(final_msg));
  CHECK_FALSE(ex.authenticated());
  // The exchange is over: a replay is a protocol error.
  CHECK(ThrownSqlState([&] { ex.HandleClientFinal(kClientFinal); }) == "08P01");
}

TEST_CASE("scram: random nonce and salt, 'y' flag, extensions") {
  const ScramVerifier v = ScramVerifier::FromPassword("s3cret!", 4096);
  CHECK(v.salt.size() == kScramDefaultSaltLength);
  ScramServerExchange ex(v);
  const std::string bare = "n=ignored,r=abcDEF123+/";
  const std::string first = ex.HandleClientFirst("y,," + bare + ",x=extension");
  CHECK(first.substr(0, 13) == "r=abcDEF123+/");
  // 18 random bytes in base64 follow the client nonce.
  CHECK(first.find(",s=") == 13 + 24);
  const std::string final_msg = ClientFinal("s3cret!", "y,,", bare + ",x=extension", first);
  CHECK(final_msg.substr(0, 7) == "c=eSws,");
  REQUIRE(ex.HandleClientFinal(final_msg));
  CHECK(ex.authenticated());
  // Two exchanges never share a server nonce.
  ScramServerExchange ex2(v);
  CHECK(ex2.HandleClientFirst("n,," + bare) != first);
}

TEST_CASE("scram: unknown users always fail, with a stable salt") {
  ScramServerExchange a = ScramServerExchange::ForUnknownUser("mallory", "cluster secret");
  ScramServerExchange b = ScramServerExchange::ForUnknownUser("mallory", "cluster secret");
  ScramServerExchange c = ScramServerExchange::ForUnknownUser("eve", "cluster secret");
  const std::string fa = a.HandleClientFirst("n,,n=,r=nonce");
  const std::string fb = b.HandleClientFirst("n,,n=,r=nonce");
  const std::string fc = c.HandleClientFirst("n,,n=,r=nonce");
  auto salt_of = [](const std::string& f) { return f.substr(f.find(",s=")); };
  CHECK(salt_of(fa) == salt_of(fb));
  CHECK(salt_of(fa) != salt_of(fc));
  CHECK_FALSE(a.HandleClientFinal(ClientFinal("anything", "n,,", "n=,r=nonce", fa)));
}

TEST_CASE("scram: malformed client-first messages") {
  const ScramVerifier v = ScramVerifier::FromPassword("pencil", Salt(), 4096);
  auto first = [&](std::string_view msg) {
    ScramServerExchange ex(v, "srv");
    return ThrownSqlState([&] { ex.HandleClientFirst(msg); });
  };
  CHECK(first(kClientFirst) == "no error");
  CHECK(first("p=tls-server-end-point,,n=user,r=abc") == "08P01");  // channel binding
  CHECK(first("n,a=admin,n=user,r=abc") == "0A000");                 // authzid
  CHECK(first("n,,m=ext,n=user,r=abc") == "0A000");                  // mandatory extension
  CHECK(first("") == "08P01");
  CHECK(first("x,,n=user,r=abc") == "08P01");
  CHECK(first("n;,n=user,r=abc") == "08P01");
  CHECK(first("n,x,n=user,r=abc") == "08P01");
  CHECK(first("n,,r=abc") == "08P01");            // user attribute missing
  CHECK(first("n,,n=user") == "08P01");           // nonce missing
  CHECK(first("n,,n=user,r=") == "08P01");        // empty nonce
  CHECK(first("n,,n=user,r=a\x01" "b") == "08P01");  // non-printable nonce
  CHECK(first("n,,n=user,rabc") == "08P01");
  CHECK(first("n,,n=user,r=abc,=x") == "08P01");  // bad extension
  CHECK(first(std::string_view("n,,n=user,r=a\0c", 15)) == "08P01");
  CHECK(first("n") == "08P01");
}

TEST_CASE("scram: malformed client-final messages") {
  const ScramVerifier v = ScramVerifier::FromPassword("pencil", Salt(), 4096);
  auto final_state = [&](std::string_view msg) {
    ScramServerExchange ex(v, std::string(kServerNonce));
    ex.HandleClientFirst(kClientFirst);
    return ThrownSqlState([&] { ex.HandleClientFinal(msg); });
  };
  const std::string nonce = std::string(kClientNonce) + std::string(kServerNonce);
  const std::string proof = "dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=";
  CHECK(final_state(kClientFinal) == "no error");
  CHECK(final_state("c=eSws,r=" + nonce + ",p=" + proof) == "08P01");  // flag was 'n'
  CHECK(final_state("c=cD10bHMtc2VydmVyLWVuZC1wb2ludCws,r=" + nonce + ",p=" + proof) ==
        "08P01");
  CHECK(final_state("c=biws,r=" + nonce + "x,p=" + proof) == "08P01");  // nonce
  CHECK(final_state("c=biws,r=" + std::string(kClientNonce) + ",p=" + proof) == "08P01");
  CHECK(final_state("c=biws,r=" + nonce + ",p=" + proof.substr(4)) == "08P01");
  CHECK(final_state("c=biws,r=" + nonce + ",p=!!!!") == "08P01");
  CHECK(final_state("c=biws,r=" + nonce + ",p=" + proof + ",") == "08P01");
  CHECK(final_state("c=biws,r=" + nonce + ",p=" + proof + ",x=1") == "08P01");
  CHECK(final_state("c=biws,r=" + nonce) == "08P01");
  CHECK(final_state("c=biws,r=" + nonce + ",x=ext") == "08P01");
  CHECK(final_state("r=" + nonce + ",p=" + proof) == "08P01");
  CHECK(final_state("") == "08P01");
  // Extensions before the proof are skipped, as PostgreSQL does; the proof
  // then no longer matches (it covers the extension), which is a failure.
  ScramServerExchange ex(v, std::string(kServerNonce));
  ex.HandleClientFirst(kClientFirst);
  CHECK_FALSE(ex.HandleClientFinal("c=biws,r=" + nonce + ",x=ext,p=" + proof));
}

TEST_CASE("scram: verifier text form") {
  const ScramVerifier v = ScramVerifier::FromPassword("pencil", Salt(), 4096);
  const std::string text = v.ToString();
  CHECK(text.substr(0, 14 + 5 + kSaltB64.size()) ==
        "SCRAM-SHA-256$4096:" + std::string(kSaltB64));
  CHECK(ScramVerifier::Parse(text) == std::optional<ScramVerifier>(v));
  for (std::string_view bad :
       {"", "SCRAM-SHA-256$", "md5abc", "SCRAM-SHA-256$4096:W22ZaJ0SNY7soEsUEjb6gQ==",
        "SCRAM-SHA-256$0:W22ZaJ0SNY7soEsUEjb6gQ==$AAAA:AAAA",
        "SCRAM-SHA-256$x:W22ZaJ0SNY7soEsUEjb6gQ==$AAAA:AAAA",
        "SCRAM-SHA-256$4096:W22ZaJ0SNY7soEsUEjb6gQ==$AAAA:AAAA",
        "SCRAM-SHA-256$4096:$BPa6Xgxy1EATU17yERab6S8duIVJ7254xtLtXoEYIfY=:"
        "5jrpUJkIFvlt3P4Le6mDvQ9FwA+CNbCJHZnaHO3Q/Ag="}) {
    CAPTURE(bad);
    CHECK_FALSE(ScramVerifier::Parse(bad));
  }
}

TEST_CASE("scram: matches a verifier stored by PostgreSQL 15") {
  // CREATE ROLE alice PASSWORD 'pencil' with password_encryption=scram-sha-256.
  const std::string pg =
      "SCRAM-SHA-256$4096:IqnHShA5V5T9iQWFZnQYfg==$BPa6Xgxy1EATU17yERab6S8duIVJ7254xtLtXoEYIfY="
      ":5jrpUJkIFvlt3P4Le6mDvQ9FwA+CNbCJHZnaHO3Q/Ag=";
  std::optional<ScramVerifier> parsed = ScramVerifier::Parse(pg);
  REQUIRE(parsed);
  CHECK(parsed->iterations == 4096);
  const ScramVerifier ours = ScramVerifier::FromPassword("pencil", parsed->salt, 4096);
  CHECK(ours == *parsed);
  CHECK(ours.ToString() == pg);
  CHECK(ScramVerifier::FromPassword("pencil!", parsed->salt, 4096) != *parsed);
}

TEST_CASE("scram: mechanism check") {
  CHECK(ThrownSqlState([] { CheckScramMechanism("SCRAM-SHA-256"); }) == "no error");
  CHECK(ThrownSqlState([] { CheckScramMechanism("SCRAM-SHA-256-PLUS"); }) == "08P01");
  CHECK(ThrownSqlState([] { CheckScramMechanism("SCRAM-SHA-256-PLUS", true); }) == "no error");
  CHECK(ThrownSqlState([] { CheckScramMechanism("PLAIN"); }) == "08P01");
}

TEST_CASE("scram: SCRAM-SHA-256-PLUS binds the TLS end point; downgrades are refused") {
  const ScramVerifier v = ScramVerifier::FromPassword("pencil");
  const std::string end_point(32, '\x5a');
  const std::string gs2 = "p=tls-server-end-point,,";
  const std::string bare = "n=,r=abcdef";
  {
    ScramServerExchange ex(v);
    ex.SetChannelBinding(true, true, end_point);
    const std::string sf = ex.HandleClientFirst(gs2 + bare);
    CHECK(ex.HandleClientFinal(ClientFinal("pencil", gs2 + end_point, bare, sf)));
    CHECK(ex.authenticated());
  }
  {
    // The client's TLS session ends elsewhere (a man in the middle).
    ScramServerExchange ex(v);
    ex.SetChannelBinding(true, true, end_point);
    const std::string sf = ex.HandleClientFirst(gs2 + bare);
    const std::string other(32, '\0');
    CHECK(ThrownSqlState([&] { (void)ex.HandleClientFinal(ClientFinal("pencil", gs2 + other, bare, sf)); }) ==
          "08P01");
  }
  {
    ScramServerExchange ex(v);
    ex.SetChannelBinding(true, true, end_point);
    CHECK(ThrownSqlState([&] { (void)ex.HandleClientFirst("n,," + bare); }) == "08P01");
  }
  {
    ScramServerExchange ex(v);
    ex.SetChannelBinding(true, true, end_point);
    CHECK(ThrownSqlState([&] { (void)ex.HandleClientFirst("p=tls-unique,," + bare); }) == "08P01");
  }
  {
    // 'y': the client could bind but believes we cannot, though we offered.
    ScramServerExchange ex(v);
    ex.SetChannelBinding(true, false, end_point);
    CHECK(ThrownSqlState([&] { (void)ex.HandleClientFirst("y,," + bare); }) == "28000");
  }
  {
    // Plain SCRAM is still accepted beside PLUS.
    ScramServerExchange ex(v);
    ex.SetChannelBinding(true, false, end_point);
    const std::string sf = ex.HandleClientFirst("n,," + bare);
    CHECK(ex.HandleClientFinal(ClientFinal("pencil", "n,,", bare, sf)));
  }
  CHECK(TlsServerEndPoint("not a certificate").empty());
}

TEST_CASE("md5: PostgreSQL's stored hash and salted response") {
  // CREATE ROLE bob PASSWORD 'secret' with password_encryption=md5.
  CHECK(Md5PasswordHash("secret", "bob") == "md521f3163f8f86fa10bdefbfbd502a8f06");
  CHECK(IsMd5PasswordHash("md521f3163f8f86fa10bdefbfbd502a8f06"));
  CHECK_FALSE(IsMd5PasswordHash("md521f3163f8f86fa10bdefbfbd502a8f0"));
  CHECK_FALSE(IsMd5PasswordHash("md521F3163f8f86fa10bdefbfbd502a8f06"));
  CHECK_FALSE(IsMd5PasswordHash("SCRAM-SHA-256$4096:..."));
  const std::array<uint8_t, 4> salt = {0x01, 0x02, 0x03, 0x04};
  const std::string stored = Md5PasswordHash("secret", "bob");
  const std::string response = Md5SaltedResponse(stored, salt);
  CHECK(response.size() == 35);
  CHECK(response.substr(0, 3) == "md5");
  CHECK(VerifyMd5Response(stored, salt, response));
  const std::string wrong = Md5SaltedResponse(Md5PasswordHash("x", "bob"), salt);
  CHECK_FALSE(VerifyMd5Response(stored, salt, wrong));
  CHECK_FALSE(VerifyMd5Response(stored, std::array<uint8_t, 4>{1, 2, 3, 5}, response));
  CHECK_FALSE(VerifyMd5Response("plaintext", salt, response));
  CHECK(RandomMd5Salt() != RandomMd5Salt());  // 2^-32 flake chance
}

}  // namespace
}  // namespace immu::pgwire
