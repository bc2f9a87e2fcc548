# ruby -Itest ar_runner.rb RESULTS LIMIT FILE...: runs ActiveRecord's own test
# files (from the activerecord/ directory of Debian's rails source) in one
# process, so the shared schema (test/schema/*.rb) is loaded once.
#
# Writes "ID<TAB>pass|fail" lines to RESULTS as tests finish:
#   FILE:Class#test_name   a test (skipped counts as fail: it verified nothing)
#   schema:N method first-argument
#                          one statement of the schema load, in order
# The schema load is made best-effort (a statement the server refuses is
# reported and skipped, the rest still loads): otherwise one unsupported
# column type would fail every test before any runs. Each test has LIMIT
# seconds (Timeout, which interrupts ruby-pg's waits) and a fixed seed, so
# the order, and what earlier tests leave behind, is the same on both servers.
results_path = ARGV.shift
limit = Integer(ARGV.shift)
files = ARGV.dup
ARGV.replace(["--seed", "1"])

require "timeout"  # Timeout::Error
$upstream_results = File.open(results_path, "w")
$upstream_results.sync = true

require "config"
require "active_record"

# Best-effort schema load: every Schema.define statement is one result.
def upstream_schema_statement(name, arg)
  $upstream_schema_counter += 1
  id = "schema:#{format('%03d', $upstream_schema_counter)} #{name} #{arg.to_s.gsub(/\s+/, ' ')[0, 60]}".strip
  begin
    result = yield
    $upstream_results.puts("#{id}\tpass")
    result
  rescue StandardError => e
    $upstream_results.puts("#{id}\tfail")
    warn "#{id}: #{e.class}: #{e.message.lines.first}"
    nil
  end
end

module UpstreamSchemaStatements
  # ruby2_keywords: Migration#method_missing passes keywords on the same way.
  ruby2_keywords def method_missing(name, *args, &block)
    return super unless $upstream_schema_counter
    upstream_schema_statement(name, args.first) { super }
  end
end
ActiveRecord::Migration.prepend(UpstreamSchemaStatements)

# The PostgreSQL schema file also enables extensions through the test
# helper's enable_extension! (a plain method, not a Migration statement).
module UpstreamSchemaExtensions
  def enable_extension!(extension, connection)
    return super unless $upstream_schema_counter
    upstream_schema_statement("enable_extension!", extension) { super }
  end
end
Object.prepend(UpstreamSchemaExtensions)
$upstream_schema_counter = 0

require "cases/helper"
$upstream_schema_counter = nil  # later migrations (the tests' own) run unwrapped

# A test past its limit: a watchdog thread first cancels every pooled
# connection's running statement (a test's thread can wait forever on a row
# lock the server never times out, and Timeout cannot interrupt that wait),
# then raises in the main thread; minitest records that as the test's error.
module UpstreamTestTimeout
  def run
    finished = false
    timed_out = false
    watchdog = Thread.new do
      sleep UpstreamTestTimeout.limit
      unless finished
        timed_out = true
        UpstreamTestTimeout.cancel_statements
        sleep 5
        Thread.main.raise(Timeout::Error, "test exceeded #{UpstreamTestTimeout.limit}s") unless finished
      end
    end
    result = begin
      super
    ensure
      finished = true
      watchdog.kill
    end
    file = UpstreamTestTimeout.files[self.class] || "?"
    # The watchdog's cancel can look like success to a test expecting a
    # cancelled statement: a timed-out test fails whatever it reported.
    verdict = result.passed? && !result.skipped? && !timed_out ? "pass" : "fail"
    warn "upstream-timeout #{file}:#{self.class.name}##{name}" if timed_out
    $upstream_results.puts("#{file}:#{self.class.name}##{name}\t#{verdict}")
    warn format("upstream-time %.2f %s:%s#%s", result.time, file, self.class.name, name)
    result
  end

  class << self
    attr_accessor :limit

    def cancel_statements
      ActiveRecord::Base.connection_handler.all_connection_pools.each do |pool|
        pool.connections.each { |c| c.raw_connection.cancel rescue nil }
      end
    rescue StandardError => e
      warn "watchdog: #{e.class}: #{e.message}"
    end
    def files
      @files ||= {}
    end
  end
end
UpstreamTestTimeout.limit = limit
Minitest::Test.prepend(UpstreamTestTimeout)

files.each do |f|
  before = Minitest::Runnable.runnables.dup
  begin
    require File.expand_path(f)
  rescue StandardError, ScriptError => e
    warn "#{f}: not loaded: #{e.class}: #{e.message.lines.first}"
    $upstream_results.puts("#{f.sub(%r{\Atest/cases/}, '').sub(/\.rb\z/, '')}:load\tfail")
    next
  end
  (Minitest::Runnable.runnables - before).each do |klass|
    UpstreamTestTimeout.files[klass] ||= f.sub(%r{\Atest/cases/}, "").sub(/\.rb\z/, "")
  end
end
