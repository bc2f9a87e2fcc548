// GORM v2 fixture, run by orm-fixtures/run.sh: AutoMigrate, CRUD with many
// parameter types, associations (has-many, belongs-to, many-to-many with
// Preload and Joins), transactions with rollback and savepoints, a unique
// violation (SQLSTATE 23505) and the Migrator's HasTable/HasColumn/HasIndex/
// ColumnTypes, whose view is written to $ORM_OUT/introspect.txt for run.sh to
// compare with PostgreSQL's. Connection from the PG* environment variables.
package main

import (
	"errors"
	"fmt"
	"os"
	"sort"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"gorm.io/driver/postgres"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"
)

type Team struct {
	ID      uint   `gorm:"primaryKey"`
	Name    string `gorm:"size:60;uniqueIndex"`
	Members []Member
}

type Member struct {
	ID       uint64 `gorm:"primaryKey"`
	TeamID   uint
	Team     Team
	Email    string  `gorm:"size:120;not null;uniqueIndex:idx_member_email"`
	Age      int32   `gorm:"index"`
	Score    float64 `gorm:"default:1.5"`
	Active   bool    `gorm:"default:true"`
	Bio      string  `gorm:"type:text"`
	Joined   time.Time
	Skills   []Skill `gorm:"many2many:gorm_member_skills;"`
	Nickname *string
	CreatedAt time.Time
	UpdatedAt time.Time
	DeletedAt gorm.DeletedAt `gorm:"index"`
}

type Skill struct {
	ID   uint   `gorm:"primaryKey"`
	Name string `gorm:"size:40;unique"`
}

func (Team) TableName() string   { return "gorm_teams" }
func (Member) TableName() string { return "gorm_members" }
func (Skill) TableName() string  { return "gorm_skills" }

var server = os.Getenv("ORM_SERVER")

func check(cond bool, what string, args ...any) {
	if !cond {
		fmt.Printf("FAIL %s\n", fmt.Sprintf(what, args...))
		os.Exit(1)
	}
	fmt.Printf("ok %s\n", fmt.Sprintf(what, args...))
}

func must(err error, what string) {
	if err != nil {
		fmt.Printf("FAIL %s: %v\n", what, err)
		os.Exit(1)
	}
}

func main() {
	dsn := fmt.Sprintf("host=%s port=%s user=%s password=%s dbname=%s sslmode=disable",
		os.Getenv("PGHOST"), os.Getenv("PGPORT"), os.Getenv("PGUSER"), os.Getenv("PGPASSWORD"), os.Getenv("PGDATABASE"))
	db, err := gorm.Open(postgres.Open(dsn), &gorm.Config{Logger: logger.Default.LogMode(logger.Silent)})
	must(err, "open")
	m := db.Migrator()
	for _, t := range []string{"gorm_member_skills", "gorm_members", "gorm_skills", "gorm_teams"} {
		must(m.DropTable(t), "drop "+t)
	}
	must(db.AutoMigrate(&Team{}, &Member{}, &Skill{}), "AutoMigrate")
	must(db.AutoMigrate(&Team{}, &Member{}, &Skill{}), "AutoMigrate again (no changes)")
	fmt.Println("ok AutoMigrate")

	// CRUD with associations.
	nick := "ada"
	joined := time.Date(2020, 2, 29, 13, 14, 15, 123456000, time.UTC)
	go1 := Skill{Name: "go"} // copied into the slice below
	sql1 := Skill{Name: "sql"}
	team := Team{Name: "core", Members: []Member{
		{Email: "ada@example.org", Age: 36, Score: 9.25, Bio: "first", Joined: joined, Nickname: &nick,
			Skills: []Skill{go1, sql1}},
		{Email: "bob@example.org", Age: 41, Active: false, Joined: joined.Add(-48 * time.Hour)},
	}}
	must(db.Create(&team).Error, "create team with members and skills")
	check(team.ID != 0 && team.Members[0].ID != 0 && team.Members[0].Skills[0].ID != 0, "ids returned")
	var got Member
	must(db.Where("email = ?", "ada@example.org").First(&got).Error, "first")
	check(got.Age == 36 && got.Score == 9.25 && got.Bio == "first" && got.Nickname != nil && *got.Nickname == "ada" &&
		got.Joined.Equal(joined) && got.Active, "round trip of int, float, text, pointer, timestamptz, bool")
	var bob Member
	must(db.Where(&Member{Email: "bob@example.org"}).First(&bob).Error, "first by struct")
	check(bob.Score == 1.5 && bob.Active, "defaults applied (false bool takes the column default)")
	must(db.Model(&bob).Updates(map[string]any{"active": false, "age": gorm.Expr("age + ?", 1)}).Error, "updates")
	must(db.First(&bob, bob.ID).Error, "reload")
	check(!bob.Active && bob.Age == 42, "update with expression")

	var teams []Team
	must(db.Preload("Members", func(tx *gorm.DB) *gorm.DB { return tx.Order("email") }).
		Preload("Members.Skills").Find(&teams).Error, "preload")
	check(len(teams) == 1 && len(teams[0].Members) == 2 && len(teams[0].Members[0].Skills) == 2, "Preload nested")
	var withTeam []Member
	must(db.Joins("Team").Where("\"Team\".name = ?", "core").Order("gorm_members.id").Find(&withTeam).Error, "joins")
	check(len(withTeam) == 2 && withTeam[0].Team.Name == "core", "Joins belongs-to")
	var n int64
	must(db.Model(&got).Association("Skills").Find(&[]Skill{}), "association find")
	n = db.Model(&got).Association("Skills").Count()
	check(n == 2, "association count")
	must(db.Model(&got).Association("Skills").Delete(&team.Members[0].Skills[0]), "association delete")
	check(db.Model(&got).Association("Skills").Count() == 1, "association count after delete")
	type agg struct {
		TeamID uint
		N      int64
		AvgAge float64
	}
	var a []agg
	must(db.Model(&Member{}).Select("team_id, count(*) AS n, avg(age) AS avg_age").Group("team_id").Scan(&a).Error, "group")
	check(len(a) == 1 && a[0].N == 2 && a[0].AvgAge == 39, "group by scan %v", a)

	// Soft delete.
	must(db.Delete(&bob).Error, "soft delete")
	db.Model(&Member{}).Count(&n)
	check(n == 1, "soft-deleted row hidden")
	db.Unscoped().Model(&Member{}).Count(&n)
	check(n == 2, "Unscoped sees it")

	// Transactions.
	err = db.Transaction(func(tx *gorm.DB) error {
		must(tx.Create(&Team{Name: "doomed"}).Error, "create in tx")
		return errors.New("roll back")
	})
	check(err != nil && db.Where("name = ?", "doomed").First(&Team{}).Error == gorm.ErrRecordNotFound, "transaction rollback")
	must(db.Transaction(func(tx *gorm.DB) error {
		must(tx.Create(&Team{Name: "kept"}).Error, "outer create")
		_ = tx.Transaction(func(tx2 *gorm.DB) error {
			must(tx2.Create(&Team{Name: "nested"}).Error, "nested create")
			return errors.New("roll back the savepoint")
		})
		return nil
	}), "nested transaction")
	var names []string
	db.Model(&Team{}).Order("name").Pluck("name", &names)
	check(strings.Join(names, ",") == "core,kept", "savepoint rollback %v", names)

	// Unique violation.
	err = db.Create(&Team{Name: "core"}).Error
	var pgErr *pgconn.PgError
	check(errors.As(err, &pgErr) && pgErr.Code == "23505", "unique violation 23505")

	// Migrator introspection.
	check(m.HasTable(&Member{}) && m.HasTable("gorm_member_skills") && !m.HasTable("gorm_nope"), "HasTable")
	check(m.HasColumn(&Member{}, "Email") && m.HasColumn(&Member{}, "nickname") && !m.HasColumn(&Member{}, "nope"), "HasColumn")
	check(m.HasIndex(&Member{}, "idx_member_email") && m.HasIndex(&Member{}, "Age") && !m.HasIndex(&Member{}, "nope"), "HasIndex")
	check(m.HasConstraint(&Member{}, "Team") || m.HasConstraint(&Team{}, "Members"), "HasConstraint (foreign key)")
	cols, err := m.ColumnTypes(&Member{})
	must(err, "ColumnTypes")
	var lines []string
	for _, c := range cols {
		nullable, _ := c.Nullable()
		length, _ := c.Length()
		unique, _ := c.Unique()
		pk, _ := c.PrimaryKey()
		def, _ := c.DefaultValue()
		lines = append(lines, fmt.Sprintf("%s %s null=%v len=%d unique=%v pk=%v default=%q",
			c.Name(), c.DatabaseTypeName(), nullable, length, unique, pk, def))
	}
	idx, err := m.GetIndexes(&Member{})
	must(err, "GetIndexes")
	for _, i := range idx {
		u, _ := i.Unique()
		p, _ := i.PrimaryKey()
		lines = append(lines, fmt.Sprintf("index %s %v unique=%v pk=%v", i.Name(), i.Columns(), u, p))
	}
	tables, err := m.GetTables()
	must(err, "GetTables")
	sort.Strings(tables)
	for _, t := range tables {
		if strings.HasPrefix(t, "gorm_") {
			lines = append(lines, "table "+t)
		}
	}
	sort.Strings(lines)
	must(os.WriteFile(os.Getenv("ORM_OUT")+"/introspect.txt", []byte(strings.Join(lines, "\n")+"\n"), 0o644), "write")
	fmt.Println("gorm fixture passed on", server)
}
