#include "verify/state.h"

#include <doctest/doctest.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <string>

namespace immu {
namespace {

Hash H(std::string_view hex) {
  Hash h{};
  REQUIRE(FromHex(hex, &h));
  return h;
}

State SampleState() {
  State s;
  s.db = "defaultdb";
  s.tx_id = 3;
  s.alh = H("7bd15c3b24390d2e2f5cf99aa8442b579635c4a688664b23dc272cc435b82100");
  return s;
}

// A valid key of a type the verifier must refuse.
std::string P384PublicPem() {
  EVP_PKEY* pkey = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-384");
  REQUIRE(pkey != nullptr);
  BIO* bio = BIO_new(BIO_s_mem());
  REQUIRE(PEM_write_bio_PUBKEY(bio, pkey) == 1);
  char* data = nullptr;
  const long n = BIO_get_mem_data(bio, &data);
  std::string pem(data, static_cast<size_t>(n));
  BIO_free(bio);
  EVP_PKEY_free(pkey);
  return pem;
}

TEST_CASE("state signing bytes vector") {
  // docs/proof_vectors.py: domain || u32be(9) || "defaultdb" || u64be(3) || alh
  CHECK(ToHex(AsBytes(SampleState().SigningBytes())) ==
        "696d6d7564622d6370702f73746174652f76310000000964656661756c7464620000000000000003"
        "7bd15c3b24390d2e2f5cf99aa8442b579635c4a688664b23dc272cc435b82100");
  State empty;
  CHECK(empty.SigningBytes().size() == 19 + 4 + 8 + 32);
}

TEST_CASE("signatures for both algorithms") {
  for (SignatureAlgorithm alg : {SignatureAlgorithm::kEcdsaP256, SignatureAlgorithm::kEd25519}) {
    const bool ed = alg == SignatureAlgorithm::kEd25519;
    CAPTURE(ed);
    auto signer = Signer::Generate(alg);
    REQUIRE(signer.ok());
    CHECK((*signer)->algorithm() == alg);
    const std::string pub = (*signer)->PublicKeyPem();
    CHECK(pub.find("-----BEGIN PUBLIC KEY-----") == 0);
    CHECK((*signer)->PrivateKeyPem().find("-----BEGIN PRIVATE KEY-----") == 0);

    State st = SampleState();
    REQUIRE((*signer)->SignState(&st).ok());
    CHECK(st.public_key == pub);
    if (ed) {
      CHECK(st.signature.size() == 64);
    } else {
      CHECK(static_cast<uint8_t>(st.signature[0]) == 0x30);  // DER SEQUENCE
    }
    CHECK(VerifyStateSignature(st, pub).ok());
    CHECK(VerifySignature(pub, st.SigningBytes(), st.signature).ok());

    // Any change to what was signed fails.
    State other_db = st;
    other_db.db = "otherdb";
    CHECK(VerifyStateSignature(other_db, pub).code() == StatusCode::kVerificationFailed);
    State other_tx = st;
    other_tx.tx_id++;
    CHECK_FALSE(VerifyStateSignature(other_tx, pub).ok());
    State other_alh = st;
    other_alh.alh[7] ^= 1;
    CHECK_FALSE(VerifyStateSignature(other_alh, pub).ok());
    State bad_sig = st;
    bad_sig.signature[bad_sig.signature.size() / 2] ^= 1;
    CHECK_FALSE(VerifyStateSignature(bad_sig, pub).ok());
    State unsigned_state = SampleState();
    CHECK_FALSE(VerifyStateSignature(unsigned_state, pub).ok());

    // Wrong keys: same algorithm, other algorithm, refused curve, garbage.
    auto same_alg = Signer::Generate(alg);
    REQUIRE(same_alg.ok());
    CHECK(VerifyStateSignature(st, (*same_alg)->PublicKeyPem()).code() ==
          StatusCode::kVerificationFailed);
    auto other_alg = Signer::Generate(ed ? SignatureAlgorithm::kEcdsaP256
                                         : SignatureAlgorithm::kEd25519);
    REQUIRE(other_alg.ok());
    CHECK_FALSE(VerifyStateSignature(st, (*other_alg)->PublicKeyPem()).ok());
    CHECK(VerifyStateSignature(st, P384PublicPem()).code() == StatusCode::kInvalidArgument);
    CHECK(VerifyStateSignature(st, "not a key").code() == StatusCode::kInvalidArgument);
    CHECK_FALSE(VerifyStateSignature(st, "").ok());

    // The private key survives a PEM round trip.
    auto reloaded = Signer::FromPrivateKeyPem((*signer)->PrivateKeyPem());
    REQUIRE(reloaded.ok());
    CHECK((*reloaded)->algorithm() == alg);
    CHECK((*reloaded)->PublicKeyPem() == pub);
    auto sig = (*reloaded)->Sign("hello");
    REQUIRE(sig.ok());
    CHECK(VerifySignature(pub, "hello", *sig).ok());
    CHECK_FALSE(VerifySignature(pub, "hellO", *sig).ok());
    CHECK_FALSE(VerifySignature(pub, "hello", "").ok());
  }
  CHECK_FALSE(Signer::FromPrivateKeyPem("garbage").ok());
  CHECK_FALSE(Signer::FromPrivateKeyPem(P384PublicPem()).ok());
}

}  // namespace
}  // namespace immu
