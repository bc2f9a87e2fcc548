#!/usr/bin/env python3
# Runs each case against PostgreSQL 15 (port 55443) and writes a C++ table.
# Usage (cluster on port 55443, cases in datetime_pg_cases.py next to this file):
#   python3 datetime_pg_gen.py /tmp/pg_cases   -> /tmp/pg_cases_{0,1,2}.inc
# then copy them to sql/datetime_pg_cases_N.inc.
import subprocess, sys, json
from datetime_pg_cases import CASES

def lit(s): return "'" + s.replace("'", "''") + "'"

SQL = {
 'in_date': lambda a: f"select {lit(a[0])}::date::text",
 'in_time': lambda a: f"select {lit(a[0])}::time::text",
 'in_timetz': lambda a: f"select {lit(a[0])}::timetz::text",
 'in_ts': lambda a: f"select {lit(a[0])}::timestamp::text",
 'in_tstz': lambda a: f"select {lit(a[0])}::timestamptz::text",
 'in_iv': lambda a: f"select {lit(a[0])}::interval::text",
 'ts_pl_iv': lambda a: f"select ({lit(a[0])}::timestamp + {lit(a[1])}::interval)::text",
 'ts_mi_iv': lambda a: f"select ({lit(a[0])}::timestamp - {lit(a[1])}::interval)::text",
 'tstz_pl_iv': lambda a: f"select ({lit(a[0])}::timestamptz + {lit(a[1])}::interval)::text",
 'tstz_mi_iv': lambda a: f"select ({lit(a[0])}::timestamptz - {lit(a[1])}::interval)::text",
 'ts_mi_ts': lambda a: f"select ({lit(a[0])}::timestamp - {lit(a[1])}::timestamp)::text",
 'tstz_mi_tstz': lambda a: f"select ({lit(a[0])}::timestamptz - {lit(a[1])}::timestamptz)::text",
 'date_pl_int': lambda a: f"select ({lit(a[0])}::date + {a[1]}::int)::text",
 'date_mi_date': lambda a: f"select ({lit(a[0])}::date - {lit(a[1])}::date)::text",
 'date_pl_iv': lambda a: f"select ({lit(a[0])}::date + {lit(a[1])}::interval)::text",
 'date_pl_time': lambda a: f"select ({lit(a[0])}::date + {lit(a[1])}::time)::text",
 'time_pl_iv': lambda a: f"select ({lit(a[0])}::time + {lit(a[1])}::interval)::text",
 'time_mi_time': lambda a: f"select ({lit(a[0])}::time - {lit(a[1])}::time)::text",
 'iv_pl_iv': lambda a: f"select ({lit(a[0])}::interval + {lit(a[1])}::interval)::text",
 'iv_mi_iv': lambda a: f"select ({lit(a[0])}::interval - {lit(a[1])}::interval)::text",
 'iv_neg': lambda a: f"select (- {lit(a[0])}::interval)::text",
 'iv_mul': lambda a: f"select ({lit(a[0])}::interval * {a[1]}::float8)::text",
 'iv_div': lambda a: f"select ({lit(a[0])}::interval / {a[1]}::float8)::text",
 'iv_cmp': lambda a: f"select (({lit(a[0])}::interval > {lit(a[1])}::interval)::int - ({lit(a[0])}::interval < {lit(a[1])}::interval)::int)::text",
 'justify_days': lambda a: f"select justify_days({lit(a[0])}::interval)::text",
 'justify_hours': lambda a: f"select justify_hours({lit(a[0])}::interval)::text",
 'justify_interval': lambda a: f"select justify_interval({lit(a[0])}::interval)::text",
 'age_ts': lambda a: f"select age({lit(a[0])}::timestamp, {lit(a[1])}::timestamp)::text",
 'age_tstz': lambda a: f"select age({lit(a[0])}::timestamptz, {lit(a[1])}::timestamptz)::text",
 'date_tstz': lambda a: f"select {lit(a[0])}::date::timestamptz::text",
 'tstz_date': lambda a: f"select {lit(a[0])}::timestamptz::date::text",
 'ts_tstz': lambda a: f"select {lit(a[0])}::timestamp::timestamptz::text",
 'tstz_ts': lambda a: f"select {lit(a[0])}::timestamptz::timestamp::text",
 'tstz_time': lambda a: f"select {lit(a[0])}::timestamptz::time::text",
 'ts_date': lambda a: f"select {lit(a[0])}::timestamp::date::text",
 'trunc_ts': lambda a: f"select date_trunc({lit(a[0])}, {lit(a[1])}::timestamp)::text",
 'trunc_tstz': lambda a: f"select date_trunc({lit(a[0])}, {lit(a[1])}::timestamptz)::text",
 'trunc_iv': lambda a: f"select date_trunc({lit(a[0])}, {lit(a[1])}::interval)::text",
 'extract_ts': lambda a: f"select extract({a[0]} from {lit(a[1])}::timestamp)::text",
 'extract_tstz': lambda a: f"select extract({a[0]} from {lit(a[1])}::timestamptz)::text",
 'extract_date': lambda a: f"select extract({a[0]} from {lit(a[1])}::date)::text",
 'extract_time': lambda a: f"select extract({a[0]} from {lit(a[1])}::time)::text",
 'extract_timetz': lambda a: f"select extract({a[0]} from {lit(a[1])}::timetz)::text",
 'extract_iv': lambda a: f"select extract({a[0]} from {lit(a[1])}::interval)::text",
 'part_ts': lambda a: f"select date_part({lit(a[0])}, {lit(a[1])}::timestamp)::text",
 'part_tstz': lambda a: f"select date_part({lit(a[0])}, {lit(a[1])}::timestamptz)::text",
 'part_iv': lambda a: f"select date_part({lit(a[0])}, {lit(a[1])}::interval)::text",
 'make_date': lambda a: f"select make_date({a[0]})::text",
 'make_time': lambda a: f"select make_time({a[0]})::text",
 'make_ts': lambda a: f"select make_timestamp({a[0]})::text",
 'make_tstz': lambda a: f"select make_timestamptz({a[0]})::text",
 'make_tstz_at': lambda a: f"select make_timestamptz({a[0]}, {lit(a[1])})::text",
 'make_iv': lambda a: f"select make_interval({a[0]})::text",
 'to_ts_d': lambda a: f"select to_timestamp({a[0]}::float8)::text",
 'tstz_at': lambda a: f"select ({lit(a[0])}::timestamptz at time zone {lit(a[1])})::text",
 'ts_at': lambda a: f"select ({lit(a[0])}::timestamp at time zone {lit(a[1])})::text",
 'tstz_at_iv': lambda a: f"select ({lit(a[0])}::timestamptz at time zone {lit(a[1])}::interval)::text",
 'ts_at_iv': lambda a: f"select ({lit(a[0])}::timestamp at time zone {lit(a[1])}::interval)::text",
 'to_char_ts': lambda a: f"select to_char({lit(a[0])}::timestamp, {lit(a[1])})",
 'to_char_tstz': lambda a: f"select to_char({lit(a[0])}::timestamptz, {lit(a[1])})",
 'to_char_iv': lambda a: f"select to_char({lit(a[0])}::interval, {lit(a[1])})",
 'to_date': lambda a: f"select to_date({lit(a[0])}, {lit(a[1])})::text",
 'to_ts_fmt': lambda a: f"select to_timestamp({lit(a[0])}, {lit(a[1])})::text",
 'overlaps': lambda a: f"select (({lit(a[0])}::timestamp, {lit(a[1])}::timestamp) overlaps ({lit(a[2])}::timestamp, {lit(a[3])}::timestamp))::text",
 'isfinite_ts': lambda a: f"select isfinite({lit(a[0])}::timestamp)::text",
}

def run(tz, sql):
    p = subprocess.run(['psql', '-X', '-h', '/tmp', '-p', '55443', '-U', 'postgres', '-qAt',
                        '-v', 'VERBOSITY=verbose', '-P', 'null=NULL',
                        '-c', f"set timezone = {lit(tz)}", '-c', sql],
                       capture_output=True, text=True)
    if p.returncode != 0 or 'ERROR' in p.stderr:
        for line in p.stderr.splitlines():
            if 'ERROR:' in line:
                msg = line.split('ERROR:', 1)[1].strip()
                return 'ERROR ' + msg.replace(': ', ' ', 1)
        return 'ERROR ? ' + p.stderr.strip()
    return p.stdout.rstrip('\n')

def cstr(s):
    return json.dumps(s, ensure_ascii=False)

from concurrent.futures import ThreadPoolExecutor
def one(c):
    op, tz, *args = c
    res = run(tz, SQL[op](args))
    while len(args) < 4: args.append('')
    return '    {%s},' % ', '.join(cstr(x) for x in [op, tz] + args + [res])
with ThreadPoolExecutor(4) as ex:
    out = list(ex.map(one, CASES))
prefix = sys.argv[1]
n = 1300
for k in range(0, len(out), n):
    with open('%s_%d.inc' % (prefix, k // n), 'w') as f:
        f.write('// Generated by a script that ran each case through PostgreSQL 15.18\n'
                '// (DateStyle ISO, MDY; IntervalStyle postgres; SET TimeZone to the 2nd\n'
                '// column): the last column is exactly what PostgreSQL printed, or\n'
                '// "ERROR <sqlstate> <message>".\n' + '\n'.join(out[k:k+n]) + '\n')
print(len(out), file=sys.stderr)
