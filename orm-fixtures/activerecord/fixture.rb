# ActiveRecord 6.1 fixture (Debian's ruby-activerecord + ruby-pg), run by
# orm-fixtures/run.sh: connection setup, a migration (tables, references with
# foreign keys, indexes, defaults), models with associations, CRUD with
# several types, transactions with rollback and savepoints, a unique
# violation (PG::UniqueViolation, 23505) and the schema dumper, whose output
# is written to $ORM_OUT/introspect.txt for run.sh to compare with
# PostgreSQL's. Connection from the PG* environment variables.
require "active_record"
require "bigdecimal"
require "stringio"

SERVER = ENV.fetch("ORM_SERVER")

def check(cond, what)
  raise "FAIL #{what}" unless cond
  puts "ok #{what}"
end

ActiveRecord::Base.establish_connection(
  adapter: "postgresql", host: ENV.fetch("PGHOST"), port: ENV.fetch("PGPORT").to_i,
  username: ENV.fetch("PGUSER"), password: ENV.fetch("PGPASSWORD"),
  database: ENV.fetch("PGDATABASE"), sslmode: "disable"
)
ActiveRecord::Migration.verbose = false
ActiveRecord::Base.logger = Logger.new($stdout) if ENV["ORM_DEBUG"]
conn = ActiveRecord::Base.connection
check(conn.active?, "connected (#{conn.select_value("SELECT version()")[0, 15]})")

class CreateArTables < ActiveRecord::Migration[6.1]
  def change
    create_table :ar_authors do |t|
      t.string :name, null: false, limit: 80
      t.string :email
      t.integer :rank, default: 0, null: false
      t.boolean :active, default: true
      t.timestamps
    end
    add_index :ar_authors, :email, unique: true
    create_table :ar_posts do |t|
      t.references :ar_author, null: false, foreign_key: true
      t.string :title, null: false
      t.text :body
      t.decimal :price, precision: 10, scale: 2
      t.float :score
      t.bigint :views, default: 0
      t.date :published_on
      t.datetime :published_at
      t.json :meta
      t.timestamps
    end
    add_index :ar_posts, [:ar_author_id, :title], unique: true
    add_index :ar_posts, :published_on
  end
end

%w[ar_posts ar_authors].each { |t| conn.drop_table(t, if_exists: true) }
CreateArTables.migrate(:up)
check(conn.table_exists?(:ar_posts), "migration created the tables")
add_col = Class.new(ActiveRecord::Migration[6.1]) do
  def change
    add_column :ar_posts, :draft, :boolean, default: false, null: false
    change_column_default :ar_authors, :rank, from: 0, to: 1
  end
end
add_col.migrate(:up)
check(conn.column_exists?(:ar_posts, :draft), "add_column migration")

class ArAuthor < ActiveRecord::Base
  has_many :posts, class_name: "ArPost", dependent: :destroy
  validates :name, presence: true
end

class ArPost < ActiveRecord::Base
  belongs_to :ar_author
end

ada = ArAuthor.create!(name: "Ada", email: "ada@example.org")
bob = ArAuthor.create!(name: "Bob", email: "bob@example.org", rank: 5, active: false)
check(ada.id && ada.rank == 1 && ada.active == true, "create with defaults")
t = Time.utc(2021, 3, 4, 5, 6, 7)
p1 = ada.posts.create!(title: "First", body: "x" * 1000, price: BigDecimal("12.34"), score: 0.5,
                       views: 2**40, published_on: Date.new(2020, 2, 29), published_at: t,
                       meta: { "tags" => %w[a b], "n" => 1 })
ada.posts.create!(title: "Second", price: BigDecimal("1.00"))
bob.posts.create!(title: "Other", price: BigDecimal("5.5"))
r = ArPost.find(p1.id)
check(r.price == BigDecimal("12.34") && r.score == 0.5 && r.views == 2**40 &&
      r.published_on == Date.new(2020, 2, 29) && r.published_at == t &&
      r.meta == { "tags" => %w[a b], "n" => 1 } && r.body.size == 1000 && r.draft == false,
      "round trip of decimal, float, bigint, date, datetime, json, text, bool")
check(ArPost.joins(:ar_author).where(ar_authors: { name: "Ada" }).order(:title).pluck(:title) ==
      %w[First Second], "joins + where on association")
check(ArAuthor.includes(:posts).order(:name).map { |a| a.posts.size } == [2, 1], "includes (preload)")
check(ArAuthor.eager_load(:posts).where(ar_posts: { title: "Other" }).first.name == "Bob", "eager_load")
counts = ArPost.group(:ar_author_id).order(:ar_author_id).count
check(counts == { ada.id => 2, bob.id => 1 }, "group count")
check(ArPost.sum(:price) == BigDecimal("18.84") && ArPost.maximum(:views) == 2**40, "sum, maximum")
check(ArAuthor.where("rank > ?", 2).pluck(:name) == ["Bob"], "where with bind")
ArPost.where(title: "Second").update_all("views = views + 10")
check(ArPost.find_by(title: "Second").views == 10, "update_all with expression")
ada.update!(email: "ada@new.example")
check(ArAuthor.find(ada.id).email == "ada@new.example", "update")

ActiveRecord::Base.transaction do
  ArAuthor.create!(name: "Temp")
  raise ActiveRecord::Rollback
end
check(!ArAuthor.exists?(name: "Temp"), "transaction rollback")
ActiveRecord::Base.transaction do
  ArAuthor.create!(name: "Outer")
  ActiveRecord::Base.transaction(requires_new: true) do
    ArAuthor.create!(name: "Inner")
    raise ActiveRecord::Rollback
  end
end
check(ArAuthor.exists?(name: "Outer") && !ArAuthor.exists?(name: "Inner"), "savepoint rollback")
begin
  ArAuthor.create!(name: "Dup", email: "bob@example.org")
  raise "duplicate accepted"
rescue ActiveRecord::RecordNotUnique => e
  check(e.cause.is_a?(PG::UniqueViolation) && e.cause.result.error_field(PG::PG_DIAG_SQLSTATE) == "23505",
        "unique violation 23505")
end
begin
  ArPost.create!(ar_author_id: 999_999, title: "orphan")
  raise "FK violation accepted"
rescue ActiveRecord::InvalidForeignKey
  check(true, "foreign key violation")
end
bob.destroy
check(ArPost.count == 2, "dependent destroy")

# Schema dumper over the fixture's tables.
ActiveRecord::SchemaDumper.ignore_tables = [/^(?!ar_)/]
out = StringIO.new
ActiveRecord::SchemaDumper.dump(conn, out)
dump = out.string.sub(/ActiveRecord::Schema.define\(version: [^)]*\)/, "ActiveRecord::Schema.define")
File.write(File.join(ENV.fetch("ORM_OUT"), "introspect.txt"), dump)
check(dump.include?('create_table "ar_posts"') && dump.include?('add_foreign_key "ar_posts", "ar_authors"'),
      "schema dump")
puts "activerecord fixture passed on #{SERVER}"
