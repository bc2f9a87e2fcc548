#include "pgwire/scram.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/objects.h>
#include <openssl/sha.h>
#include <openssl/x509.h>

#include <charconv>
#include <climits>

#include "catalog/pg_error.h"
#include "pgwire/base64.h"
#include "pgwire/password.h"

namespace immu::pgwire {

// ---- Primitives ----------------------------------------------------------------

std::string_view KeyView(const ScramKey& k) {
  return {reinterpret_cast<const char*>(k.data()), k.size()};
}

ScramKey HmacSha256(std::string_view key, std::string_view data) {
  ScramKey out{};
  unsigned int len = 0;
  if (key.size() > static_cast<size_t>(INT_MAX) ||
      HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
           reinterpret_cast<const unsigned char*>(data.data()), data.size(), out.data(),
           &len) == nullptr ||
      len != out.size()) {
    throw PgError(sqlstate::kInternalError, "could not compute HMAC-SHA-256");
  }
  return out;
}

ScramKey HmacSha256(const ScramKey& key, std::string_view data) {
  return HmacSha256(KeyView(key), data);
}

ScramKey Sha256Key(const ScramKey& data) {
  ScramKey out{};
  SHA256(data.data(), data.size(), out.data());
  return out;
}

ScramKey ScramSaltedPassword(std::string_view password, std::string_view salt, int iterations) {
  ScramKey out{};
  if (password.size() > static_cast<size_t>(INT_MAX) ||
      salt.size() > static_cast<size_t>(INT_MAX) || iterations <= 0 ||
      PKCS5_PBKDF2_HMAC(password.data(), static_cast<int>(password.size()),
                        reinterpret_cast<const unsigned char*>(salt.data()),
                        static_cast<int>(salt.size()), iterations, EVP_sha256(),
                        static_cast<int>(out.size()), out.data()) != 1) {
    throw PgError(sqlstate::kInternalError, "could not compute SCRAM salted password");
  }
  return out;
}

ScramKey ScramClientKey(const ScramKey& salted_password) {
  return HmacSha256(salted_password, "Client Key");
}

ScramKey ScramServerKey(const ScramKey& salted_password) {
  return HmacSha256(salted_password, "Server Key");
}

// ---- Verifier ----------------------------------------------------------------

ScramVerifier ScramVerifier::FromPassword(std::string_view password, int iterations) {
  std::string salt(kScramDefaultSaltLength, '\0');
  RandomBytes({reinterpret_cast<uint8_t*>(salt.data()), salt.size()});
  return FromPassword(password, salt, iterations);
}

ScramVerifier ScramVerifier::FromPassword(std::string_view password, std::string_view salt,
                                          int iterations) {
  ScramVerifier v;
  v.iterations = iterations;
  v.salt = std::string(salt);
  const ScramKey salted = ScramSaltedPassword(password, salt, iterations);
  v.stored_key = Sha256Key(ScramClientKey(salted));
  v.server_key = ScramServerKey(salted);
  return v;
}

namespace {

bool DecodeKey(std::string_view b64, ScramKey* key) {
  std::optional<std::string> raw = Base64Decode(b64);
  if (!raw || raw->size() != key->size()) return false;
  for (size_t i = 0; i < key->size(); i++) (*key)[i] = static_cast<uint8_t>((*raw)[i]);
  return true;
}

}  // namespace

std::optional<ScramVerifier> ScramVerifier::Parse(std::string_view text) {
  // SCRAM-SHA-256$<iterations>:<salt>$<storedkey>:<serverkey>
  const std::string prefix = std::string(kScramSha256) + "$";
  if (text.substr(0, prefix.size()) != prefix) return std::nullopt;
  text.remove_prefix(prefix.size());
  const size_t dollar = text.find('$');
  if (dollar == std::string_view::npos) return std::nullopt;
  std::string_view iter_salt = text.substr(0, dollar);
  std::string_view keys = text.substr(dollar + 1);
  const size_t c1 = iter_salt.find(':');
  const size_t c2 = keys.find(':');
  if (c1 == std::string_view::npos || c2 == std::string_view::npos) return std::nullopt;

  ScramVerifier v;
  std::string_view iter = iter_salt.substr(0, c1);
  auto [end, ec] = std::from_chars(iter.data(), iter.data() + iter.size(), v.iterations);
  if (ec != std::errc() || end != iter.data() + iter.size() || v.iterations <= 0) {
    return std::nullopt;
  }
  std::optional<std::string> salt = Base64Decode(iter_salt.substr(c1 + 1));
  if (!salt || salt->empty()) return std::nullopt;
  v.salt = std::move(*salt);
  if (!DecodeKey(keys.substr(0, c2), &v.stored_key) ||
      !DecodeKey(keys.substr(c2 + 1), &v.server_key)) {
    return std::nullopt;
  }
  return v;
}

std::string ScramVerifier::ToString() const {
  return std::string(kScramSha256) + "$" + std::to_string(iterations) + ":" +
         Base64Encode(salt) + "$" + Base64Encode(KeyView(stored_key)) + ":" +
         Base64Encode(KeyView(server_key));
}

// ---- Message parsing -----------------------------------------------------------

namespace {

[[noreturn]] void ThrowMalformed(std::string detail) {
  throw PgError(sqlstate::kProtocolViolation, "malformed SCRAM message", std::move(detail));
}

// Renders an offending character for an error detail, as PostgreSQL's
// sanitize_char: printable ASCII as itself, anything else in hex.
std::string Sanitize(char c) {
  if (c >= 0x21 && c <= 0x7e) return std::string(1, c);
  static constexpr char kHex[] = "0123456789abcdef";
  const auto u = static_cast<uint8_t>(c);
  return std::string("0x") + kHex[u >> 4] + kHex[u & 15];
}

// printable = %x21-2B / %x2D-7E (no comma), RFC 5802.
bool IsScramPrintable(std::string_view s) {
  for (char c : s) {
    if (c < 0x21 || c > 0x7e || c == ',') return false;
  }
  return true;
}

// A cursor over "a=value,b=value,..." (PostgreSQL's read_attr_value and
// read_any_attr). Values run to the next comma, which is consumed.
class AttrReader {
 public:
  explicit AttrReader(std::string_view s) : s_(s) {}
  bool AtEnd() const { return pos_ >= s_.size(); }
  char Peek() const { return AtEnd() ? '\0' : s_[pos_]; }
  size_t pos() const { return pos_; }
  void Skip() { pos_++; }

  std::string_view Read(char attr) {
    if (Peek() != attr) {
      ThrowMalformed(std::string("Expected attribute \"") + attr + "\" but found \"" +
                     Sanitize(Peek()) + "\".");
    }
    pos_++;
    if (Peek() != '=') {
      ThrowMalformed(std::string("Expected character \"=\" for attribute \"") + attr + "\".");
    }
    pos_++;
    return Value();
  }

  std::string_view ReadAny(char* attr) {
    const char c = Peek();
    if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'))) {
      ThrowMalformed("Attribute expected, but found invalid character \"" + Sanitize(c) + "\".");
    }
    *attr = c;
    pos_++;
    if (Peek() != '=') {
      ThrowMalformed(std::string("Expected character \"=\" for attribute \"") + c + "\".");
    }
    pos_++;
    return Value();
  }

 private:
  std::string_view Value() {
    const size_t comma = s_.find(',', pos_);
    const size_t end = comma == std::string_view::npos ? s_.size() : comma;
    std::string_view v = s_.substr(pos_, end - pos_);
    pos_ = comma == std::string_view::npos ? s_.size() : comma + 1;
    return v;
  }

  std::string_view s_;
  size_t pos_ = 0;
};

void CheckNotEmptyNoNul(std::string_view message) {
  if (message.empty()) ThrowMalformed("The message is empty.");
  if (message.find('\0') != std::string_view::npos) {
    ThrowMalformed("The message contains a null byte.");
  }
}

}  // namespace

// ---- Exchange --------------------------------------------------------------------

void CheckScramMechanism(std::string_view mechanism, bool plus_offered) {
  if (mechanism != kScramSha256 && !(plus_offered && mechanism == kScramSha256Plus)) {
    throw PgError(sqlstate::kProtocolViolation,
                  "client selected an invalid SASL authentication mechanism");
  }
}

ScramServerExchange::ScramServerExchange(ScramVerifier verifier, std::string server_nonce)
    : verifier_(std::move(verifier)), server_nonce_(std::move(server_nonce)) {
  if (server_nonce_.empty()) {
    uint8_t raw[kScramRawNonceLength];
    RandomBytes(raw);
    server_nonce_ = Base64Encode(std::string_view(reinterpret_cast<char*>(raw), sizeof(raw)));
  }
}

ScramServerExchange ScramServerExchange::ForUnknownUser(std::string_view username,
                                                        std::string_view server_secret) {
  // PostgreSQL's scram_mock_salt: a hash of a cluster secret and the name.
  const ScramKey h = HmacSha256(server_secret, username);
  ScramVerifier v;
  v.salt = std::string(KeyView(h).substr(0, kScramDefaultSaltLength));
  RandomBytes(v.stored_key);
  RandomBytes(v.server_key);
  ScramServerExchange ex(std::move(v));
  ex.doomed_ = true;
  return ex;
}

void ScramServerExchange::SetChannelBinding(bool plus_offered, bool plus_selected, std::string end_point) {
  plus_offered_ = plus_offered;
  plus_selected_ = plus_selected;
  end_point_ = std::move(end_point);
}

std::string TlsServerEndPoint(std::string_view der_certificate) {
  const unsigned char* p = reinterpret_cast<const unsigned char*>(der_certificate.data());
  X509* cert = d2i_X509(nullptr, &p, static_cast<long>(der_certificate.size()));
  if (cert == nullptr) return {};
  int md_nid = NID_undef;
  std::string out;
  if (OBJ_find_sigid_algs(X509_get_signature_nid(cert), &md_nid, nullptr) != 0) {
    if (md_nid == NID_md5 || md_nid == NID_sha1) md_nid = NID_sha256;
    const EVP_MD* md = EVP_get_digestbynid(md_nid);
    unsigned char buf[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    if (md != nullptr && X509_digest(cert, md, buf, &len) == 1) out.assign(reinterpret_cast<char*>(buf), len);
  }
  X509_free(cert);
  return out;
}

std::string ScramServerExchange::HandleClientFirst(std::string_view message) {
  if (state_ != State::kExpectFirst) ThrowMalformed("Unexpected client-first-message.");
  state_ = State::kFailed;  // until this message has been accepted
  CheckNotEmptyNoNul(message);
  AttrReader r(message);
  // gs2-header: cbind-flag "," [authzid] ","
  cbind_flag_ = r.Peek();
  switch (cbind_flag_) {
    case 'y':
      if (plus_offered_ && !plus_selected_) {
        throw PgError(sqlstate::kInvalidAuthorizationSpecification, "SCRAM channel binding negotiation error",
                      "The client supports SCRAM channel binding but thinks the server does not.  "
                      "However, this server does support channel binding.");
      }
      [[fallthrough]];
    case 'n':
      if (plus_selected_) {
        ThrowMalformed(
            "The client selected SCRAM-SHA-256-PLUS, but the SCRAM message does not include "
            "channel binding data.");
      }
      r.Skip();
      if (r.Peek() != ',') {
        ThrowMalformed("Comma expected, but found character \"" + Sanitize(r.Peek()) + "\".");
      }
      r.Skip();
      break;
    case 'p': {
      if (!plus_selected_) {
        ThrowMalformed(
            "The client selected SCRAM-SHA-256 without channel binding, but the SCRAM message "
            "includes channel binding data.");
      }
      const std::string_view type = r.Read('p');
      if (type != "tls-server-end-point") {
        throw PgError(sqlstate::kProtocolViolation,
                      "unsupported SCRAM channel-binding type \"" + std::string(type) + "\"");
      }
      break;
    }
    default:
      ThrowMalformed("Unexpected channel-binding flag \"" + Sanitize(cbind_flag_) + "\".");
  }
  if (r.Peek() == 'a') {
    throw PgError(sqlstate::kFeatureNotSupported,
                  "client uses authorization identity, but it is not supported");
  }
  if (r.Peek() != ',') {
    ThrowMalformed("Unexpected attribute \"" + Sanitize(r.Peek()) +
                   "\" in client-first-message.");
  }
  r.Skip();
  gs2_header_ = std::string(message.substr(0, r.pos()));
  client_first_bare_ = std::string(message.substr(r.pos()));
  if (r.Peek() == 'm') {
    throw PgError(sqlstate::kFeatureNotSupported,
                  "client requires an unsupported SCRAM extension");
  }
  (void)r.Read('n');  // user name: ignored, the startup packet's counts
  client_nonce_ = std::string(r.Read('r'));
  if (client_nonce_.empty() || !IsScramPrintable(client_nonce_)) {
    throw PgError(sqlstate::kProtocolViolation, "non-printable characters in SCRAM nonce");
  }
  while (!r.AtEnd()) {  // optional extensions: none supported, all ignored
    char attr = 0;
    (void)r.ReadAny(&attr);
  }
  server_first_ = "r=" + client_nonce_ + server_nonce_ + ",s=" + Base64Encode(verifier_.salt) +
                  ",i=" + std::to_string(verifier_.iterations);
  state_ = State::kExpectFinal;
  return server_first_;
}

std::optional<std::string> ScramServerExchange::HandleClientFinal(std::string_view message) {
  if (state_ != State::kExpectFinal) ThrowMalformed("Unexpected client-final-message.");
  state_ = State::kFailed;
  CheckNotEmptyNoNul(message);
  AttrReader r(message);
  std::string_view cbind = r.Read('c');
  // The attribute is base64 of the gs2 header the client sent first ("n,,"
  // or "y,," without channel binding), followed by the binding data.
  if (plus_selected_) {
    if (cbind != Base64Encode(gs2_header_ + end_point_)) {
      throw PgError(sqlstate::kProtocolViolation, "SCRAM channel binding check failed");
    }
  } else if (!(cbind == "biws" && cbind_flag_ == 'n') && !(cbind == "eSws" && cbind_flag_ == 'y')) {
    throw PgError(sqlstate::kProtocolViolation,
                  "unexpected SCRAM channel-binding attribute in client-final-message");
  }
  std::string_view nonce = r.Read('r');
  // Skip extensions up to the proof, which must come last.
  size_t proof_start = 0;
  std::string_view proof_b64;
  for (;;) {
    if (r.AtEnd()) ThrowMalformed("Could not find proof in client-final-message.");
    proof_start = r.pos();
    char attr = 0;
    proof_b64 = r.ReadAny(&attr);
    if (attr == 'p') break;
  }
  ScramKey proof{};
  if (!DecodeKey(proof_b64, &proof)) ThrowMalformed("Malformed proof in client-final-message.");
  // ReadAny consumed a trailing comma if there was one; anything after the
  // proof (even an empty attribute list) is garbage.
  if (proof_start + 2 + proof_b64.size() != message.size()) {
    ThrowMalformed("Garbage found at the end of client-final-message.");
  }
  if (nonce != client_nonce_ + server_nonce_) ThrowMalformed("Nonce does not match.");

  // AuthMessage = client-first-bare "," server-first "," client-final-without-proof
  // (proof_start - 1 drops the comma before "p=").
  const std::string auth_message = client_first_bare_ + "," + server_first_ + "," +
                                   std::string(message.substr(0, proof_start - 1));
  const ScramKey client_signature = HmacSha256(verifier_.stored_key, auth_message);
  ScramKey client_key{};
  for (size_t i = 0; i < client_key.size(); i++) client_key[i] = proof[i] ^ client_signature[i];
  const bool ok = ConstantTimeEquals(KeyView(Sha256Key(client_key)), KeyView(verifier_.stored_key));
  if (!ok || doomed_) return std::nullopt;
  state_ = State::kAuthenticated;
  return "v=" + Base64Encode(KeyView(HmacSha256(verifier_.server_key, auth_message)));
}

}  // namespace immu::pgwire
