// A synthetic cloud provider for bench/provider.sh: its customers, and its usage as five-minute
// records in time order. Among the customers: three linked ones (a shared card, a shared owner)
// whose 12 accounts train one 1.2e26-operation run together in one datacenter; one customer that
// trains 1.07e26 alone; 1,000 heavy users far below the threshold; the rest light users.
//
//   provider_gen customers N          JSON Lines of N customers (N >= 1,004)
//   provider_gen usage N RECORDS      about RECORDS usage records of those customers
#include <charconv>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <string>
#include <vector>

namespace {

constexpr int64_t kStart = 1798761600;  // 2027-01-01T00:00:00Z
constexpr int kHeavy = 1000;

// "2027-01-01T00:05:00Z" for a minute offset from kStart (two buffers: one printf takes two).
class Times {
 public:
  const char* At(int64_t minute) {
    const int64_t t = kStart + minute * 60;
    const std::time_t s = static_cast<std::time_t>(t);
    std::tm tm{};
    gmtime_r(&s, &tm);
    std::snprintf(buf_[which_ ^= 1], sizeof buf_[0], "%04d-%02d-%02dT%02d:%02d:00Z",
                  tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min);
    return buf_[which_];
  }

 private:
  char buf_[2][64];
  int which_ = 0;
};

struct Stream {
  std::string account, job, datacenter;
  int count;
  double utilization;
  int64_t first_hour, hours;
};

void Customers(int n) {
  std::printf(
      "{\"id\": \"cust-a\", \"name\": \"Alpha Compute FZE\", \"country\": \"AE\", \"accounts\": "
      "[\"a1\", \"a2\", \"a3\", \"a4\"], \"payment_means\": [{\"kind\": \"card\", "
      "\"fingerprint\": \"shared-card\"}], \"verified\": true}\n"
      "{\"id\": \"cust-b\", \"name\": \"Beta Analytics Pte\", \"country\": \"SG\", \"accounts\": "
      "[\"b1\", \"b2\", \"b3\", \"b4\"], \"payment_means\": [{\"kind\": \"card\", "
      "\"fingerprint\": \"shared-card\"}], \"beneficial_owners\": [{\"name\": \"Z Owner\", "
      "\"country\": \"SG\", \"share\": 0.5}]}\n"
      "{\"id\": \"cust-c\", \"name\": \"Gamma Labs Sdn Bhd\", \"country\": \"MY\", \"accounts\": "
      "[\"c1\", \"c2\", \"c3\", \"c4\"], \"beneficial_owners\": [{\"name\": \"Z Owner\", "
      "\"country\": \"SG\", \"share\": 0.7}]}\n"
      "{\"id\": \"cust-solo\", \"name\": \"Solo AI\", \"country\": \"IN\", \"accounts\": "
      "[\"s1\"]}\n");
  for (int i = 0; i < n - 4; ++i) {
    std::printf(
        "{\"id\": \"user-%d\", \"name\": \"User %d Ltd\", \"country\": \"GB\", \"accounts\": "
        "[\"u%d\"], \"emails\": [\"ops@user%d.example\"], \"payment_means\": [{\"kind\": "
        "\"card\", \"fingerprint\": \"card-%d\"}], \"ip_addresses\": [\"%d.%d.%d.0/24\"]}\n",
        i, i, i, i, i, 11 + (i >> 16), (i >> 8) & 255, i & 255);
  }
}

void Usage(int customers, int64_t records) {
  std::vector<Stream> streams;
  for (const char* p : {"a", "b", "c"}) {
    for (int k = 1; k <= 4; ++k) {
      const std::string a = p + std::to_string(k);
      streams.push_back({a, "train-" + a, "us-east-7", 2000, 0.468, 0, 3000});
    }
  }
  streams.push_back({"s1", "big", "eu-west-2", 10000, 0.5, 0, 6000});
  for (int i = 0; i < kHeavy; ++i) {
    streams.push_back({"u" + std::to_string(i), "heavy", "us-east-7", 1000, 0.5, i % 1000, 500});
  }
  int64_t planned = 0;
  for (const Stream& s : streams) {
    planned += s.hours * 12;
  }
  // The light users share what is left: jobs of 8 accelerators, a few hours each.
  const int light = customers - 4 - kHeavy;
  const int64_t left = records > planned ? records - planned : 0;
  const int64_t hours_each = light > 0 ? std::max<int64_t>(1, left / 12 / light) : 0;
  for (int i = 0; i < light; ++i) {
    const int u = kHeavy + i;
    streams.push_back({"u" + std::to_string(u), "job", i % 2 ? "us-east-7" : "ap-south-1", 8, 0.3,
                       (i * 7) % 5000, hours_each});
  }
  int64_t last_hour = 0;
  for (const Stream& s : streams) {
    last_hour = std::max(last_hour, s.first_hour + s.hours);
  }
  Times times;
  std::string line;
  for (int64_t h = 0; h < last_hour; ++h) {
    for (const Stream& s : streams) {
      if (h < s.first_hour || h >= s.first_hour + s.hours) {
        continue;
      }
      for (int m = 0; m < 60; m += 5) {
        const int64_t minute = h * 60 + m;
        std::printf(
            "{\"account\": \"%s\", \"job\": \"%s\", \"start\": \"%s\", \"end\": \"%s\", "
            "\"datacenter\": \"%s\", \"accelerator\": \"H100 SXM\", \"count\": %d, "
            "\"utilization\": %g}\n",
            s.account.c_str(), s.job.c_str(), times.At(minute), times.At(minute + 5),
            s.datacenter.c_str(), s.count, s.utilization);
      }
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc >= 3 && std::string(argv[1]) == "customers") {
    Customers(std::atoi(argv[2]));
    return 0;
  }
  if (argc >= 4 && std::string(argv[1]) == "usage") {
    Usage(std::atoi(argv[2]), std::atoll(argv[3]));
    return 0;
  }
  std::fprintf(stderr, "usage: provider_gen customers N | usage N RECORDS\n");
  return 2;
}
