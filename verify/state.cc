// State signing bytes and ECDSA P-256 / Ed25519 signatures through OpenSSL's
// EVP_PKEY interface.

#include "verify/state.h"

#include <openssl/bio.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include "verify/byte_order.h"

namespace immu {
namespace {

constexpr std::string_view kStateDomain = "immudb-cpp/state/v1";

struct PkeyFree {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
};
struct BioFree {
  void operator()(BIO* b) const { BIO_free(b); }
};
struct MdCtxFree {
  void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
};
using PkeyPtr = std::unique_ptr<EVP_PKEY, PkeyFree>;
using BioPtr = std::unique_ptr<BIO, BioFree>;
using MdCtxPtr = std::unique_ptr<EVP_MD_CTX, MdCtxFree>;

// OpenSSL queues errors per thread; a failure we report as a Status must not
// leave entries behind for an unrelated later call to trip over.
Status OpenSslError(StatusCode code, const std::string& what) {
  const unsigned long e = ERR_get_error();
  std::string msg = what;
  if (e != 0) {
    char buf[256];
    ERR_error_string_n(e, buf, sizeof(buf));
    msg += " (" + std::string(buf) + ")";
  }
  ERR_clear_error();
  return Status(code, msg);
}

// The algorithm of a key, or nullopt for any key type or curve we refuse.
std::optional<SignatureAlgorithm> AlgorithmOf(EVP_PKEY* pkey) {
  if (EVP_PKEY_is_a(pkey, "ED25519")) return SignatureAlgorithm::kEd25519;
  if (EVP_PKEY_is_a(pkey, "EC")) {
    char group[64] = {0};
    size_t len = 0;
    if (EVP_PKEY_get_utf8_string_param(pkey, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof(group),
                                       &len) != 1) {
      ERR_clear_error();
      return std::nullopt;
    }
    const std::string_view name(group, len);
    if (name == "prime256v1" || name == "P-256") return SignatureAlgorithm::kEcdsaP256;
  }
  return std::nullopt;
}

// ECDSA signs a SHA-256 digest; Ed25519 is a one-shot scheme that takes the
// message itself, which EVP spells as a NULL digest.
const EVP_MD* DigestFor(SignatureAlgorithm alg) {
  return alg == SignatureAlgorithm::kEcdsaP256 ? EVP_sha256() : nullptr;
}

BioPtr MemBio(std::string_view pem) {
  if (pem.size() > static_cast<size_t>(INT32_MAX)) return nullptr;
  return BioPtr(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
}

std::string BioContents(BIO* bio) {
  char* data = nullptr;
  const long n = BIO_get_mem_data(bio, &data);
  return n > 0 ? std::string(data, static_cast<size_t>(n)) : std::string();
}

}  // namespace

std::string State::SigningBytes() const {
  std::string out;
  out.reserve(kStateDomain.size() + 4 + db.size() + 8 + alh.size());
  out.append(kStateDomain);
  AppendU32Be(&out, static_cast<uint32_t>(db.size()));
  out.append(db);
  AppendU64Be(&out, tx_id);
  AppendHash(&out, alh);
  return out;
}

Signer::~Signer() { EVP_PKEY_free(static_cast<EVP_PKEY*>(pkey_)); }

Result<std::unique_ptr<Signer>> Signer::Generate(SignatureAlgorithm alg) {
  EVP_PKEY* pkey = alg == SignatureAlgorithm::kEcdsaP256
                       ? EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256")
                       : EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519");
  if (pkey == nullptr) return OpenSslError(StatusCode::kInvalidArgument, "key generation failed");
  return std::unique_ptr<Signer>(new Signer(pkey, alg));
}

Result<std::unique_ptr<Signer>> Signer::FromPrivateKeyPem(std::string_view pem) {
  BioPtr bio = MemBio(pem);
  if (!bio) return OpenSslError(StatusCode::kResourceExhausted, "BIO allocation failed");
  PkeyPtr pkey(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr));
  if (!pkey) return OpenSslError(StatusCode::kInvalidArgument, "not a PEM private key");
  const std::optional<SignatureAlgorithm> alg = AlgorithmOf(pkey.get());
  if (!alg) return Status::InvalidArgument("private key is neither ECDSA P-256 nor Ed25519");
  return std::unique_ptr<Signer>(new Signer(pkey.release(), *alg));
}

std::string Signer::PrivateKeyPem() const {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_PrivateKey(bio.get(), static_cast<EVP_PKEY*>(pkey_), nullptr,
                                       nullptr, 0, nullptr, nullptr) != 1) {
    ERR_clear_error();
    return std::string();
  }
  return BioContents(bio.get());
}

std::string Signer::PublicKeyPem() const {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_PUBKEY(bio.get(), static_cast<EVP_PKEY*>(pkey_)) != 1) {
    ERR_clear_error();
    return std::string();
  }
  return BioContents(bio.get());
}

Result<std::string> Signer::Sign(std::string_view message) const {
  MdCtxPtr ctx(EVP_MD_CTX_new());
  EVP_PKEY* pkey = static_cast<EVP_PKEY*>(pkey_);
  const auto* msg = reinterpret_cast<const unsigned char*>(message.data());
  size_t len = 0;
  if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, DigestFor(alg_), nullptr, pkey) != 1 ||
      EVP_DigestSign(ctx.get(), nullptr, &len, msg, message.size()) != 1) {
    return OpenSslError(StatusCode::kInvalidArgument, "signing failed");
  }
  std::string sig(len, '\0');
  if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(sig.data()), &len, msg,
                     message.size()) != 1) {
    return OpenSslError(StatusCode::kInvalidArgument, "signing failed");
  }
  sig.resize(len);  // DER ECDSA signatures are shorter than the maximum.
  return sig;
}

Status Signer::SignState(State* state) const {
  Result<std::string> sig = Sign(state->SigningBytes());
  if (!sig.ok()) return sig.status();
  state->signature = std::move(sig).value();
  state->public_key = PublicKeyPem();
  return Status::Ok();
}

Status VerifySignature(std::string_view public_key_pem, std::string_view message,
                       std::string_view signature) {
  BioPtr bio = MemBio(public_key_pem);
  if (!bio) return OpenSslError(StatusCode::kResourceExhausted, "BIO allocation failed");
  PkeyPtr pkey(PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr));
  if (!pkey) return OpenSslError(StatusCode::kInvalidArgument, "not a PEM public key");
  const std::optional<SignatureAlgorithm> alg = AlgorithmOf(pkey.get());
  if (!alg) return Status::InvalidArgument("public key is neither ECDSA P-256 nor Ed25519");
  MdCtxPtr ctx(EVP_MD_CTX_new());
  if (!ctx || EVP_DigestVerifyInit(ctx.get(), nullptr, DigestFor(*alg), nullptr, pkey.get()) != 1) {
    return OpenSslError(StatusCode::kInvalidArgument, "signature verification setup failed");
  }
  const int rc = EVP_DigestVerify(
      ctx.get(), reinterpret_cast<const unsigned char*>(signature.data()), signature.size(),
      reinterpret_cast<const unsigned char*>(message.data()), message.size());
  if (rc != 1) {
    ERR_clear_error();
    return Status::VerificationFailed("signature does not verify with the given public key");
  }
  return Status::Ok();
}

Status VerifyStateSignature(const State& state, std::string_view public_key_pem) {
  if (state.signature.empty()) return Status::VerificationFailed("state is not signed");
  Status s = VerifySignature(public_key_pem, state.SigningBytes(), state.signature);
  if (!s.ok()) return Status(s.code(), "state of db '" + state.db + "' at tx " +
                                           std::to_string(state.tx_id) + ": " + s.message());
  return Status::Ok();
}

}  // namespace immu
