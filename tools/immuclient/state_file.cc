// Trusted state file of immuclient (state_file.h).

#include "tools/immuclient/state_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <vector>

namespace immu::client {
namespace {

std::string Encode(std::string_view s) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (c <= ' ' || c == '%' || c >= 0x7f) {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    } else {
      out.push_back(static_cast<char>(c));
    }
  }
  return out.empty() ? "%" : out;  // "%" alone: the empty string
}

int Nibble(char c) {
  return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

bool HexDecode(std::string_view hex, std::string* out) {
  if (hex.size() % 2 != 0) return false;
  out->clear();
  for (size_t i = 0; i < hex.size(); i += 2) {
    const int hi = Nibble(hex[i]), lo = Nibble(hex[i + 1]);
    if (hi < 0 || lo < 0) return false;
    out->push_back(static_cast<char>(hi * 16 + lo));
  }
  return true;
}

bool Decode(std::string_view s, std::string* out) {
  out->clear();
  if (s == "%") return true;
  for (size_t i = 0; i < s.size(); i++) {
    if (s[i] != '%') {
      out->push_back(s[i]);
      continue;
    }
    std::string byte;
    if (i + 2 >= s.size() || !HexDecode(s.substr(i + 1, 2), &byte)) return false;
    out->append(byte);
    i += 2;
  }
  return true;
}

Status Errno(const std::string& what, const std::string& path) {
  return Status::IOError(what + " " + path + ": " + std::strerror(errno));
}

}  // namespace

std::string DefaultStatePath() {
  const char* home = std::getenv("HOME");
  return std::string(home != nullptr && *home ? home : ".") + "/.immuclient/state";
}

Result<StateFile> StateFile::Load(const std::string& path) {
  StateFile f;
  f.path_ = path;
  std::ifstream in(path);
  if (!in) {
    if (errno == ENOENT) return f;
    return Errno("cannot read", path);
  }
  std::string line;
  int n = 0;
  while (std::getline(in, line)) {
    n++;
    if (line.empty()) continue;
    std::istringstream fields(line);
    std::string v, server_field, server, db, tx, alh, key;
    TrustedState t;
    std::string extra;
    const bool parsed = static_cast<bool>(fields >> v >> server_field >> db >> tx >> alh >> key) && !(fields >> extra);
    bool ok = parsed && v == "v1" && Decode(server_field, &server) && Decode(db, &t.state.db) &&
              FromHex(alh, &t.state.alh) && (key == "-" || HexDecode(key, &t.public_key)) &&
              !tx.empty() && tx.find_first_not_of("0123456789") == std::string::npos && tx.size() <= 19;
    if (!ok) return Status::Corruption(path + ":" + std::to_string(n) + ": not a trusted state line");
    t.state.tx_id = std::stoull(tx);
    f.states_[{server, t.state.db}] = std::move(t);
  }
  return f;
}

const TrustedState* StateFile::Find(const std::string& server, const std::string& db) const {
  auto it = states_.find({server, db});
  return it == states_.end() ? nullptr : &it->second;
}

void StateFile::Put(const std::string& server, const TrustedState& t) {
  TrustedState copy = t;
  copy.state.signature.clear();
  copy.state.public_key.clear();
  states_[{server, t.state.db}] = std::move(copy);
}

Status StateFile::Save() const {
  std::string text;
  for (const auto& [k, t] : states_) {
    text += "v1 " + Encode(k.first) + " " + Encode(k.second) + " " + std::to_string(t.state.tx_id) + " " +
            ToHex(t.state.alh) + " " + (t.public_key.empty() ? "-" : ToHex(AsBytes(t.public_key))) + "\n";
  }
  const size_t slash = path_.rfind('/');
  if (slash != std::string::npos && slash > 0) {
    const std::string dir = path_.substr(0, slash);
    if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) return Errno("cannot create", dir);
  }
  const std::string tmp = path_ + ".tmp";
  ::unlink(tmp.c_str());
  // O_EXCL with mode 0600: the file is never readable by others, not even
  // for a moment, whatever the umask.
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return Errno("cannot create", tmp);
  size_t done = 0;
  while (done < text.size()) {
    const ssize_t w = ::write(fd, text.data() + done, text.size() - done);
    if (w < 0 && errno == EINTR) continue;
    if (w < 0) {
      Status s = Errno("cannot write", tmp);
      ::close(fd);
      return s;
    }
    done += static_cast<size_t>(w);
  }
  if (::fsync(fd) != 0) {
    Status s = Errno("cannot sync", tmp);
    ::close(fd);
    return s;
  }
  ::close(fd);
  if (::rename(tmp.c_str(), path_.c_str()) != 0) return Errno("cannot replace", path_);
  return Status::Ok();
}

}  // namespace immu::client
