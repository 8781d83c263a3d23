// exolab: lab 5
// tools/fs-host/crash_test.cc: the crash-consistency sweep.  One fixed,
// write-heavy workload (creates, appends, overwrites, renames, unlinks,
// mkdirs, syncs) runs again and again with the power cut after N sectors,
// for many N; after each, a remount replays the journal and the image must
// be consistent (check.h), with every file synced before the cut intact.
#include <map>
#include <set>
#include <string>

#include "host.h"
#include "lib/fs/disk.h"
#include "testing.h"

using namespace exofs;

namespace {

// What the workload knows: the files and directories it made, and which
// were still the same when the last sync that reached the disk returned.
struct Model {
    std::map<std::string, std::string> files;
    std::set<std::string> dirs;
    std::map<std::string, std::string> synced_files;  // as of the last good sync
    std::set<std::string> synced_dirs;
    std::set<std::string> touched;                    // changed since then
};

uint64_t rng_state;
uint64_t rnd(uint64_t n) {
    rng_state = rng_state * 6364136223846793005ull + 1442695040888963407ull;
    return (rng_state >> 33) % n;
}

std::string some_bytes(uint64_t n, char base) {
    std::string s(n, base);
    for (uint64_t i = 0; i < n; i++) s[i] = static_cast<char>(base + rnd(26));
    return s;
}

// A random existing file of the model ("" if none).
std::string pick(const Model& m) {
    if (m.files.empty()) return "";
    auto it = m.files.begin();
    std::advance(it, static_cast<long>(rnd(m.files.size())));
    return it->first;
}

void sync_point(Model& m) {
    OK(sync());
    if (!host_disk_powered()) return;  // the commit did not reach the disk
    m.synced_files = m.files;
    m.synced_dirs = m.dirs;
    m.touched.clear();
}

void write_at(const std::string& path, uint64_t off, const std::string& data, Model& m) {
    int fd = OK(open(path.c_str(), kWrite | kCreate));
    OK(seek(fd, static_cast<int64_t>(off), Whence::Set));
    CHECK(OK(write(fd, data.data(), data.size())) == data.size());
    OK(close(fd));
    std::string& f = m.files[path];
    if (f.size() < off + data.size()) f.resize(off + data.size(), '\0');
    f.replace(off, data.size(), data);
    m.touched.insert(path);
}

// The workload: about 250 operations, the same for every run of a seed.
void workload(Model& m, uint64_t seed) {
    rng_state = seed;
    const char* dirs[] = {"/", "/d0/", "/d1/", "/d0/e/"};
    OK(mkdir("/d0"));
    OK(mkdir("/d1"));
    OK(mkdir("/d0/e"));
    m.dirs = {"/d0", "/d1", "/d0/e"};
    for (int op = 0; op < 250; op++) {
        uint64_t kind = rnd(100);
        std::string victim = pick(m);
        if (kind < 30 || victim.empty()) {  // a new file
            std::string path = std::string(dirs[rnd(4)]) + "f" + std::to_string(op);
            write_at(path, 0, some_bytes(1 + rnd(20000), 'a'), m);
        } else if (kind < 50) {  // append
            write_at(victim, m.files[victim].size(), some_bytes(1 + rnd(9000), 'A'), m);
        } else if (kind < 65) {  // overwrite inside
            uint64_t size = m.files[victim].size();
            write_at(victim, rnd(size + 1), some_bytes(1 + rnd(6000), 'k'), m);
        } else if (kind < 75) {  // rename, maybe over another file
            std::string to = rnd(3) == 0 ? pick(m) : std::string(dirs[rnd(4)]) + "r" + std::to_string(op);
            OK(exofs::rename(victim.c_str(), to.c_str()));
            if (to != victim) {
                m.files[to] = m.files[victim];
                m.files.erase(victim);
            }
            m.touched.insert(victim);
            m.touched.insert(to);
        } else if (kind < 85) {  // unlink
            OK(unlink(victim.c_str()));
            m.files.erase(victim);
            m.touched.insert(victim);
        } else if (kind < 88) {  // truncate
            uint64_t size = rnd(m.files[victim].size() + 1);
            OK(truncate(victim.c_str(), size));
            m.files[victim].resize(size);
            m.touched.insert(victim);
        } else if (kind < 92) {  // mkdir (and rmdir of an empty one)
            std::string path = "/d1/sub" + std::to_string(op);
            OK(mkdir(path.c_str()));
            m.dirs.insert(path);
            if (rnd(2) == 0) {
                OK(rmdir(path.c_str()));
                m.dirs.erase(path);
            }
            m.touched.insert(path);
        } else {
            sync_point(m);
        }
    }
    sync_point(m);
}

// After a crash and the remount: consistent, and the synced state intact.
void verify(const Model& m, uint64_t cut) {
    CheckReport r = check_image();
    for (size_t i = 0; i < r.problems.size() && i < 5; i++)
        fprintf(stderr, "crash after %lu sectors: %s\n", cut, r.problems[i].c_str());
    failures += static_cast<int>(r.problems.size());
    for (const auto& [path, data] : m.synced_files) {
        if (m.touched.count(path)) continue;
        Result<Stat> st = stat(path.c_str());
        if (!st || slurp(path.c_str()) != data) {
            fprintf(stderr, "crash after %lu sectors: synced file %s lost or changed\n", cut, path.c_str());
            failures++;
        }
    }
    for (const std::string& dir : m.synced_dirs) {
        if (m.touched.count(dir)) continue;
        Result<Stat> st = stat(dir.c_str());
        if (!st || st.value().type != InodeType::Directory) {
            fprintf(stderr, "crash after %lu sectors: synced directory %s lost\n", cut, dir.c_str());
            failures++;
        }
    }
}

// Every file and directory under dir (a path ending in "/"), by readdir.
void list_tree(const std::string& dir, std::set<std::string>& files, std::set<std::string>& dirs) {
    int fd = OK(open(dir.c_str(), kRead));
    DirEntry e;
    while (OK(readdir(fd, &e))) {
        std::string name = e.name;
        if (name == "." || name == "..") continue;
        std::string path = dir + name;
        if (OK(stat(path.c_str())).type == InodeType::Directory) {
            dirs.insert(path);
            list_tree(path + "/", files, dirs);
        } else {
            files.insert(path);
        }
    }
    OK(close(fd));
}

// One sweep: the workload of `seed` on a volume with a journal of
// log_blocks, cut after `count` spread sector counts (and the first few
// one by one); every tenth run also crashes during the replay.
void sweep(uint32_t log_blocks, uint64_t seed, uint64_t count) {
    // The whole workload, powered: how many sectors it writes.
    Model full;
    fresh_volume("crash.img", 1024, 128, log_blocks);
    uint64_t base = host_disk_sectors_written();
    workload(full, seed);
    uint64_t total = host_disk_sectors_written() - base;
    checked("crash workload, no crash");
    for (const auto& [path, data] : full.files) CHECK(slurp(path.c_str()) == data);
    std::set<std::string> files, dirs, model_files;
    list_tree("/", files, dirs);
    for (const auto& [path, data] : full.files) model_files.insert(path);
    CHECK(files == model_files && dirs == full.dirs);
    std::set<uint64_t> cuts;
    for (uint64_t i = 0; i < count; i++) cuts.insert(i * total / count + i % 7);
    for (uint64_t i = 0; i < 20; i++) cuts.insert(i);
    int runs = 0;
    for (uint64_t cut : cuts) {
        Model m;
        fresh_volume("crash.img", 1024, 128, log_blocks);
        disk::cut_power_after(cut);
        workload(m, seed);
        crash_and_remount();
        verify(m, cut);
        if (++runs % 10 == 0) {
            host_region_reset();
            disk::cut_power_after(rnd(40));
            (void)mount();
            crash_and_remount();
            verify(m, cut);
        }
    }
    printf("crash sweep: journal of %u blocks, seed %lu: %d cuts over %lu sectors, each remounted and checked\n",
           log_blocks, seed, runs, total);
}

// Whether path holds one of `versions` ("" for absent).
bool one_of(const char* path, const std::initializer_list<std::string>& versions) {
    std::string now = stat(path) ? slurp(path) : "";
    for (const std::string& v : versions) {
        if (now == v) return true;
    }
    return false;
}

// The I/O-error run: /a synced, then /b written and a commit that fails
// once `fail` sectors are written, then /c and more of /b, and a commit
// that the power cuts after `cut` sectors; remounted and checked.  Sets
// first and second to the sectors each commit wrote.
void io_error_run(uint64_t fail, uint64_t cut, uint64_t& first, uint64_t& second) {
    rng_state = 5;
    const std::string a = some_bytes(5000, 'a'), b = some_bytes(9000, 'b'), more = some_bytes(7000, 'm');
    const std::string c = some_bytes(3000, 'c');
    fresh_volume("ioerror.img", 1024, 128, 48);
    spit("/a", a);
    OK(sync());
    spit("/b", b);
    uint64_t before = host_disk_sectors_written();
    host_disk_fail_writes_after(fail);
    Result<void> failed = sync();
    host_disk_fail_writes_after(~0ull);
    first = host_disk_sectors_written() - before;
    CHECK(failed.ok() == (fail >= first) && (failed.ok() || failed.error() == Error::IoError));
    spit("/c", c);
    int fd = OK(open("/b", kWrite | kAppend));
    CHECK(OK(write(fd, more.data(), more.size())) == more.size());
    OK(close(fd));
    before = host_disk_sectors_written();
    disk::cut_power_after(cut);
    OK(sync());
    second = host_disk_sectors_written() - before;
    crash_and_remount();
    verify(Model{}, cut);
    if (!one_of("/a", {a}) || !one_of("/b", {"", b, b + more}) || !one_of("/c", {"", c})) {
        fprintf(stderr, "I/O error after %lu sectors, crash after %lu: a file is torn\n", fail, cut);
        failures++;
    }
}

// A commit that fails with a medium error at each of its sectors, then
// the next commit cut by the power at every other sector: a failed commit
// may leave its record on the disk, naming log blocks the next commit
// overwrites, so the disk after the remount must still be as after some
// commit (journal.h's commit).
void io_error_sweep() {
    uint64_t first, second, most = 0;
    io_error_run(~0ull, ~0ull, first, second);
    int runs = 0;
    for (uint64_t fail = 0; fail < first; fail++) {
        uint64_t unused, longest = 1;
        for (uint64_t cut = 0; cut <= longest; cut += 2, runs++) io_error_run(fail, cut, unused, longest);
        most = longest > most ? longest : most;
    }
    printf("I/O-error sweep: %d runs: a commit failing at each of its %lu sectors, the next cut at every other "
           "of its up to %lu\n", runs, first, most);
}

}  // namespace

void crash_sweep(const std::string&) {
    sweep(48, 42, 120);
    sweep(27, 7, 80);  // the smallest journal mount accepts here: a commit every op or two
    io_error_sweep();
}
