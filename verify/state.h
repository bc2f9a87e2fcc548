#pragma once
// A database state: what a client trusts and later checks newer answers
// against. Optionally signed by the server.
//
// Signed bytes (docs/PROOFS.md):
//   "immudb-cpp/state/v1" (19 bytes) || u32be(len db) || db || u64be(tx_id) || alh
//
// Keys: ECDSA P-256 (signature is DER, over SHA-256 of the signed bytes) or
// Ed25519 (signature is 64 raw bytes over the signed bytes). Keys travel as
// PEM (PKCS#8 private, SubjectPublicKeyInfo public).

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "verify/hash.h"
#include "verify/status.h"

namespace immu {

struct State {
  std::string db;
  uint64_t tx_id = 0;
  Hash alh{};              // Alh(tx_id); zero hash when tx_id == 0
  std::string signature;   // empty when unsigned
  std::string public_key;  // PEM; empty when unsigned

  std::string SigningBytes() const;
  bool operator==(const State&) const = default;
};

enum class SignatureAlgorithm { kEcdsaP256, kEd25519 };

// Holds a private key. Thread-safety: Sign may be called concurrently.
class Signer {
 public:
  ~Signer();
  Signer(const Signer&) = delete;
  Signer& operator=(const Signer&) = delete;

  static Result<std::unique_ptr<Signer>> Generate(SignatureAlgorithm alg);
  static Result<std::unique_ptr<Signer>> FromPrivateKeyPem(std::string_view pem);

  SignatureAlgorithm algorithm() const { return alg_; }
  std::string PrivateKeyPem() const;
  std::string PublicKeyPem() const;
  Result<std::string> Sign(std::string_view message) const;
  // Fills state->signature and state->public_key.
  Status SignState(State* state) const;

 private:
  Signer(void* pkey, SignatureAlgorithm alg) : pkey_(pkey), alg_(alg) {}
  void* pkey_;  // EVP_PKEY*, owned
  SignatureAlgorithm alg_;
};

Status VerifySignature(std::string_view public_key_pem, std::string_view message,
                       std::string_view signature);
// Checks state.signature with the given public key (not the one the state
// carries: a client must pin the server's key).
Status VerifyStateSignature(const State& state, std::string_view public_key_pem);

}  // namespace immu
