CASES = []
def add(op, tz, *a): CASES.append((op, tz) + tuple(str(x) for x in a))

ZONES = ['UTC', 'Europe/Rome', 'America/New_York', 'Asia/Kolkata', 'Australia/Sydney',
         'UTC+3', '+02:00', 'EST5EDT', 'Asia/Kathmandu', 'America/Sao_Paulo', '5', '-3.5']

# ---- input / output
for s in ['2024-03-05', '2024-3-5', 'Jan 5 2024', '5 January 2024', 'January 5, 2024', '20240305',
          '2024-03-05 BC', '0044-03-15 BC', '1/8/1999', '01/02/03', '1999-01-08', 'January 8, 99 BC',
          '99-Jan-08', '08-Jan-99', 'Jan-08-99', '19990108', '990108', '1999.008', 'J2451187',
          'epoch', 'infinity', '-infinity', '2024-02-29', '2023-02-29', '2020-13-01', '13/25/2020',
          'x', '', '2024-03-05 10:00+02', '2024-03-05T10:00:00Z', 'Tue Mar 5 2024', '5874897-12-31',
          '5874898-01-01', '4714-11-24 BC', '4714-11-23 BC', '0000-01-01', '2024-00-10', '2024-01-32',
          '  2024-03-05  ', 'March 5th 2024', '2024 March 5', '2024-Mar-05', '05 Mar 2024 AD',
          '10000-01-01', '2024-03-05 America/New_York', 'allballs']:
    add('in_date', 'UTC', s)
for s in ['14:30', '14:30:00.5', '2:30 PM', '12:00 AM', '12:00 PM', '11:59:59.999999', '24:00:00',
          '24:00:01', '25:00', '13:00 PM', 'allballs', '14:30:00+02', '143000', '1430', '04:05:06.789-8',
          '2024-03-05 14:30', 'T14:30', '00:00:60', '10:61', 'x', '1:2:3', '14:30 America/New_York',
          '2024-07-01 14:30 America/New_York', '0:0:0.0000005', '12:34:56.1234567']:
    add('in_time', 'UTC', s)
for s in ['14:30+02', '14:30:00.5-05:30', '2:30 PM EST', '10:00 UTC', '10:00 z', '04:05:06 PST',
          '10:00', '10:00 +15:59', '10:00 +16', '2024-07-01 10:00 Europe/Rome', 'allballs']:
    add('in_timetz', 'Europe/Rome', s)
TS = ['2024-03-05 14:30:00.123456', '2024-03-05T14:30:00Z', '2024-03-05 14:30:00+01',
      '2024-03-05 14:30:00+05:30', '2024-03-05 14:30:00-0800', '2024-03-05 10:00 America/New_York',
      '2024-03-05 10:00 Europe/Rome', 'Jan 5 2024 10:00', 'epoch', 'infinity', '-infinity',
      '2024-03-05 BC 10:00', '0044-03-15 12:00 BC', '2024-03-10 02:30', '2024-03-31 02:30',
      '2024-10-27 02:30', '2024-11-03 01:30', '2024-03-05 10:00 PST', '2024-03-05 10:00 EDT',
      '2024-03-05 10:00 CET', '2024-03-05 10:00 msk', '1999-01-08 04:05:06 -8:00',
      'January 8 04:05:06 1999 PST', '20240305 143000', '20240305T143000', '2024-03-05 24:00',
      '2024-03-05 24:00:01', '2024-03-05 10:00 Foo/Bar', '2024-03-05 10:00 foo', '2024-02-30 10:00',
      '2024-03-05 10:00:60', '1900-01-01 00:00', '1850-06-01 12:00', '2100-07-01 12:00',
      '294276-12-31 23:59:59.999999', '294277-01-01 00:00', '4714-11-24 00:00 BC',
      '2024-03-05 10:00 +16', '2024-03-05 10:00:00.0000005', '2024-03-05 10:00 allballs',
      '2024-03-05 10:00 ZULU', 'Tue Mar 05 10:00:00 2024 CET', '2024-03-05 10:00 +5:45',
      '2024-03-05 10:00:00 Asia/Kathmandu', '2038-07-01 12:00', '2200-07-01 12:00',
      '2024-03-05 10:00 UTC+3', '2024-03-05 10:00 dst', '2024-03-05 10:00 CET DST']
for s in TS:
    add('in_ts', 'UTC', s)
for tz in ZONES:
    for s in TS:
        add('in_tstz', tz, s)
for tz in ['Pacific/Chatham', 'Europe/Dublin', 'Africa/Casablanca', 'America/St_Johns', 'Europe/Amsterdam',
           'Europe/Moscow', 'europe/ROME', 'PST8PDT', '<+03>-3', 'GMT-2', 'Etc/GMT+5', 'Asia/Tokyo']:
    for s in ['2024-01-15 12:00+00', '2024-07-15 12:00+00', '1900-06-01 12:00+00', '1930-06-01 12:00+00',
              '2014-10-26 00:00+00', '2050-07-01 12:00+00', '2024-03-05 10:00']:
        add('in_tstz', tz, s)
IV = ['1 year 2 mons 3 days 04:05:06.5', '@ 1 hour ago', '3 days', '-1 day +02:03', '1.5 hours',
      'P1Y2M3DT4H5M6S', '10:00', '10', '1 day -00:00:01', '-1 days -02:03:04', '1 week', '1.5 weeks',
      '1.5 months', '1.5 years', '1.5 days', '0.5 seconds', '1 millisecond', '1 microsecond',
      '2 decades', '1 century', '1 millennium', '1-2', '-1-2', '1 2:03:04', '+1 -2:03', '@ 1 year 2 mons ago',
      'P0001-02-03T04:05:06', 'P1Y', 'PT1H30M', 'P1.5Y', 'P2W', 'PT0.5S', 'P00010203T040506', 'PT-1H',
      '00:00:00', '0', 'x', '1 foo', '1 day 1 day', '', '5 minutes 30 seconds', '1 hr 2 mins 3 secs',
      '178000000 years', '2147483647 days', '2147483648 days', '-2147483648 months', '1 mon -1 day',
      '-1 mon 1 day', '12:34.5', '1:2', '23:59:59.999999', '100:00:00', '1 day 25:00:00',
      'infinity', '1.2.3', '1 mons', '2 years -3 months', '-00:00:01', '1e3 seconds', '.5 day']
for s in IV:
    add('in_iv', 'UTC', s)

# ---- arithmetic
for ts, iv in [('2024-01-31 10:00', '1 mon'), ('2024-01-31 10:00', '1 month 1 day'),
               ('2023-01-31', '1 mon'), ('2024-02-29', '1 year'), ('2024-03-31', '-1 mon'),
               ('2024-03-05 10:00', '1 day 25:00'), ('2024-03-05 10:00', '-1 days +02:03'),
               ('2024-12-31 23:59:59.999999', '00:00:00.000001'), ('infinity', '1 day'),
               ('294276-12-31 23:00', '2 hours'), ('2000-01-01', '-2000 years'),
               ('2024-03-05', '1.5 months'), ('2024-01-01', '13 mons'), ('2024-01-01', '-13 mons')]:
    add('ts_pl_iv', 'UTC', ts, iv)
    add('ts_mi_iv', 'UTC', ts, iv)
for tz in ['Europe/Rome', 'America/New_York', 'Australia/Sydney', 'UTC', 'Asia/Kolkata']:
    for ts, iv in [('2024-03-30 12:00', '1 day'), ('2024-03-30 12:00', '24 hours'),
                   ('2024-03-09 12:00', '1 day'), ('2024-03-09 12:00', '24:00'),
                   ('2024-10-26 12:00', '1 day'), ('2024-11-02 12:00', '1 day'),
                   ('2024-01-31 02:30', '2 mons'), ('2024-02-10 02:30', '1 mon'),
                   ('2024-04-06 12:00', '1 day'), ('2024-10-05 02:30', '1 day'),
                   ('2024-03-31 01:30', '1 hour'), ('infinity', '1 day'), ('2024-03-10 01:00', '1 day 1 hour')]:
        add('tstz_pl_iv', tz, ts, iv)
        add('tstz_mi_iv', tz, ts, iv)
for a, b in [('2024-03-05 10:00', '2024-01-01'), ('2024-01-01', '2024-03-05 10:00'),
             ('2024-03-05', '2024-03-05'), ('2024-03-05 10:00:00.5', '2024-03-04 23:00'),
             ('infinity', '2024-01-01'), ('2024-03-05 BC', '2024-03-05'), ('2024-03-05 01:00', '2024-03-04 23:00')]:
    add('ts_mi_ts', 'UTC', a, b)
for tz in ['Europe/Rome', 'America/New_York']:
    for a, b in [('2024-03-31 12:00', '2024-03-30 12:00'), ('2024-11-04 00:00', '2024-11-03 00:00')]:
        add('tstz_mi_tstz', tz, a, b)
        add('age_tstz', tz, a, b)
for d, n in [('2024-03-05', 1), ('2024-03-05', -400), ('infinity', 5), ('5874897-12-31', 1), ('2024-02-28', 2)]:
    add('date_pl_int', 'UTC', d, n)
for a, b in [('2024-03-05', '2024-01-01'), ('2024-01-01', '2024-03-05'), ('infinity', '2024-01-01'),
             ('0001-01-01 BC', '0001-01-01')]:
    add('date_mi_date', 'UTC', a, b)
for d, iv in [('2024-01-31', '1 mon'), ('2024-03-05', '10:00'), ('infinity', '1 day'), ('2024-03-05', '-1 day')]:
    add('date_pl_iv', 'UTC', d, iv)
add('date_pl_time', 'UTC', '2024-03-05', '14:30:00.5')
add('date_pl_time', 'UTC', 'infinity', '14:30')
for t, iv in [('23:00', '2 hours'), ('01:00', '-3 hours'), ('10:00', '1 day 1 hour'), ('10:00', '-25:00')]:
    add('time_pl_iv', 'UTC', t, iv)
add('time_mi_time', 'UTC', '10:00', '12:30:00.5')
add('time_mi_time', 'UTC', '12:30', '10:00')
for a, b in [('1 mon', '30 days'), ('1 day', '24 hours'), ('1 year', '360 days'), ('1 year', '365 days'),
             ('-1 mon', '-29 days'), ('1 mon 1 day', '31 days'), ('00:00:00.000001', '0'),
             ('178000000 years', '-178000000 years')]:
    add('iv_cmp', 'UTC', a, b)
    add('iv_pl_iv', 'UTC', a, b)
    add('iv_mi_iv', 'UTC', a, b)
add('iv_pl_iv', 'UTC', '2147483647 days', '1 day')
add('iv_neg', 'UTC', '1 year -2 days 03:00')
for iv, f in [('1 mon', 0.5), ('1 day', 0.5), ('1 mon 1 day 1 hour', 1.5), ('1 year', 1/3), ('-1 mon', 0.3),
              ('10 days 10:00', -2.5), ('1 hour', 1e10), ('1 mon', 1e10), ('3 days', 0.1), ('7 mons', 0.7)]:
    add('iv_mul', 'UTC', iv, repr(f))
    add('iv_div', 'UTC', iv, repr(f))
add('iv_div', 'UTC', '1 day', 0)
add('iv_div', 'UTC', '1 mon', 3)
add('iv_div', 'UTC', '1 year 1 mon 1 day', 7)
for iv in ['35 days', '-35 days', '1 mon -35 days', '-1 mon 35 days', '50:00', '-50:00', '1 day -50:00',
           '-1 day 50:00', '1 mon -1 day -01:00', '-1 mon 1 day 01:00', '1 mon -00:00:01', '29 days 23:59:59',
           '100 days 100:00:00', '-100 days -100:00:00']:
    add('justify_days', 'UTC', iv)
    add('justify_hours', 'UTC', iv)
    add('justify_interval', 'UTC', iv)
for a, b in [('2024-03-05', '2000-01-01'), ('2000-01-01', '2024-03-05'), ('2024-03-01', '2024-01-31'),
             ('2024-01-31', '2024-03-01'), ('2024-03-05 10:00', '2024-03-04 11:30:00.5'),
             ('2001-04-10', '1957-06-13'), ('2024-02-29', '2023-02-28'), ('0044-03-15 BC', '2024-01-01'),
             ('2024-05-31', '2024-04-30'), ('2024-03-31', '2024-02-29 12:00')]:
    add('age_ts', 'UTC', a, b)
add('age_ts', 'UTC', 'infinity', '2024-01-01')

# ---- casts in zones
for tz in ['UTC', 'Europe/Rome', 'America/New_York', 'Asia/Kolkata', 'Australia/Sydney', 'America/Sao_Paulo']:
    for d in ['2024-03-05', '2024-03-31', '2024-10-27', '2024-11-03', '2024-03-10', 'infinity', '1900-01-01', '2018-11-04']:
        add('date_tstz', tz, d)
    for t in ['2024-03-05 23:30+00', '2024-03-05 00:30+00', 'infinity', '2024-07-01 03:00+00']:
        add('tstz_date', tz, t)
        add('tstz_ts', tz, t)
        add('tstz_time', tz, t)
    for t in ['2024-03-31 02:30', '2024-10-27 02:30', '2024-03-10 02:30', '2024-11-03 01:30', '2024-10-06 02:30',
              '2024-04-07 02:30', 'infinity', '2024-03-05 12:00']:
        add('ts_tstz', tz, t)
add('ts_date', 'UTC', '2024-03-05 23:59:59')
add('ts_date', 'UTC', '-infinity')

# ---- date_trunc
UNITS_T = ['microseconds', 'milliseconds', 'second', 'minute', 'hour', 'day', 'week', 'month', 'quarter',
           'year', 'decade', 'century', 'millennium', 'foo', 'timezone', 'epoch', 'dow', 'HOUR', 'Mon']
for u in UNITS_T:
    for ts in ['2024-03-05 14:37:42.123456', '2021-01-01 10:00', '2020-12-31 10:00', '0044-03-15 12:00 BC',
               '2000-06-15', 'infinity', '1999-01-03', '0012-05-05 BC']:
        add('trunc_ts', 'UTC', u, ts)
for tz in ['Europe/Rome', 'America/New_York', 'Asia/Kolkata', 'Australia/Sydney', 'Asia/Kathmandu']:
    for u in ['hour', 'day', 'week', 'month', 'year', 'minute', 'quarter']:
        for ts in ['2024-03-31 12:34:56+00', '2024-10-27 01:30+00', '2024-11-03 06:30+00', '2024-04-07 12:00+00']:
            add('trunc_tstz', tz, u, ts)
for u in ['microseconds', 'milliseconds', 'second', 'minute', 'hour', 'day', 'week', 'month', 'quarter',
          'year', 'decade', 'century', 'millennium', 'foo']:
    for iv in ['1234 years 11 mons 29 days 23:59:59.999999', '-1234 years -11 mons -29 days -23:59:59.999999']:
        add('trunc_iv', 'UTC', u, iv)

# ---- extract / date_part
FIELDS = ['microseconds', 'milliseconds', 'second', 'minute', 'hour', 'day', 'week', 'month', 'quarter',
          'year', 'decade', 'century', 'millennium', 'epoch', 'dow', 'isodow', 'doy', 'isoyear', 'julian',
          'timezone', 'timezone_hour', 'timezone_minute']
for f in FIELDS + ['foo']:
    for ts in ['2024-03-05 14:37:42.123456', '2021-01-03 00:00', '2020-12-31 23:59:59', '0044-03-15 12:00 BC',
               '0001-01-01 BC', '2000-01-01', 'infinity', '-infinity', '1969-12-31 23:59:59.5', '2024-03-05 12:00', '2024-03-05 00:00:01']:
        add('extract_ts', 'UTC', f, ts)
        if f not in ('timezone', 'timezone_hour', 'timezone_minute', 'foo') or ts == 'infinity':
            add('part_ts', 'UTC', f, ts)
    for tz in ['Asia/Kolkata', 'America/New_York', 'Asia/Kathmandu', 'America/St_Johns']:
        for ts in ['2024-03-05 14:37:42.123456+00', '2024-07-05 23:37:42+00', 'infinity']:
            add('extract_tstz', tz, f, ts)
            if f != 'foo':
                add('part_tstz', tz, f, ts)
    for d in ['2024-03-05', '0044-03-15 BC', 'infinity', '-infinity', '2021-01-03']:
        add('extract_date', 'UTC', f, d)
    for t in ['14:37:42.123456', '00:00', '24:00']:
        add('extract_time', 'UTC', f, t)
    for t in ['14:37:42.5+05:30', '10:00-03:45']:
        add('extract_timetz', 'UTC', f, t)
    for iv in ['1234 years 11 mons 29 days 23:59:59.123456', '-1 year -2 mons -3 days -04:05:06.5', '1 mon', '100:00:00']:
        add('extract_iv', 'UTC', f, iv)
        if f != 'foo':
            add('part_iv', 'UTC', f, iv)

# ---- constructors
for a in ['2024, 3, 5', '-44, 3, 15', '2024, 2, 30', '0, 1, 1', '2024, 13, 1', '5874898, 1, 1', '-4714, 11, 24', '-4714, 11, 23']:
    add('make_date', 'UTC', a)
for a in ['14, 30, 0.5', '24, 0, 0', '24, 0, 0.1', '25, 0, 0', '10, 60, 0', '10, 0, 59.9999999', '10, 0, -1', '10, 0, 60']:
    add('make_time', 'UTC', a)
for a in ['2024, 3, 5, 14, 30, 0.5', '-44, 3, 15, 12, 0, 0', '2024, 2, 30, 0, 0, 0', '2024, 1, 1, 25, 0, 0',
          '294277, 1, 1, 0, 0, 0', '1999, 12, 31, 24, 0, 0', '2024, 1, 1, 10, 0, 1.5']:
    add('make_ts', 'UTC', a)
for tz in ['Europe/Rome', 'America/New_York']:
    for a in ['2024, 3, 31, 2, 30, 0', '2024, 10, 27, 2, 30, 0', '2024, 3, 10, 2, 30, 0', '2024, 7, 1, 12, 0, 0']:
        add('make_tstz', tz, a)
for a, z in [('2024, 7, 1, 12, 0, 0', 'Asia/Tokyo'), ('2024, 7, 1, 12, 0, 0', '+05:30'), ('2024, 7, 1, 12, 0, 0', '-08'),
             ('2024, 7, 1, 12, 0, 0', 'EST'), ('2024, 7, 1, 12, 0, 0', 'UTC+3'), ('2024, 7, 1, 12, 0, 0', '5'),
             ('2024, 7, 1, 12, 0, 0', 'Foo'), ('2024, 7, 1, 12, 0, 0', '+16'), ('2024, 7, 1, 12, 0, 0', 'europe/rome')]:
    add('make_tstz_at', 'UTC', a, z)
for a in ['years => 1, months => 2, weeks => 3, days => 4, hours => 5, mins => 6, secs => 7.5', 'secs => 0.0000005',
          'days => 2147483647', 'years => 178956971', 'hours => -1, secs => 30', '0']:
    add('make_iv', 'UTC', a)
for d in ['0', '1709649000.123456', '-1', '1e20', "'infinity'", "'-infinity'", "'nan'", '-210866803200', '-210866803201',
          '9224318016000', '9224318015999.999999', '1.5e-7']:
    add('to_ts_d', 'UTC', d)
    add('to_ts_d', 'Europe/Rome', d)

# ---- AT TIME ZONE
for tz in ['UTC', 'America/New_York']:
    for t in ['2024-03-05 14:30+00', '2024-07-05 14:30+00', 'infinity']:
        for z in ['UTC', 'Europe/Rome', 'EST', 'PDT', '+05', '-05:30', 'UTC+3', 'Asia/Kolkata', 'msk', 'europe/rome',
                  'Foo', 'America/Sao_Paulo', 'Z']:
            add('tstz_at', tz, t, z)
    for t in ['2024-03-05 14:30', '2024-03-31 02:30', '2024-10-27 02:30', 'infinity']:
        for z in ['UTC', 'Europe/Rome', 'EST', '+05', 'UTC+3', 'Foo', 'America/New_York']:
            add('ts_at', tz, t, z)
    for z in ['05:30', '-03:00', '1 day', '1 hour 30 seconds']:
        add('tstz_at_iv', tz, '2024-03-05 14:30+00', z)
        add('ts_at_iv', tz, '2024-03-05 14:30', z)

for a in [('2024-01-01', '2024-02-01', '2024-01-15', '2024-03-01'), ('2024-01-01', '2024-02-01', '2024-02-01', '2024-03-01'),
          ('2024-02-01', '2024-01-01', '2024-01-15', '2024-01-20'), ('2024-01-01', '2024-01-01', '2024-01-01', '2024-01-02')]:
    add('overlaps', 'UTC', *a)
add('isfinite_ts', 'UTC', 'infinity')
add('isfinite_ts', 'UTC', '2024-01-01')

# ---- to_char / to_date / to_timestamp
FMTS = ['YYYY-MM-DD HH24:MI:SS', 'YYYY-MM-DD HH12:MI:SS AM', 'FMMonth FMDD, YYYY', 'Month DD YYYY', 'MONTH month Mon MON mon',
        'Day DAY day Dy DY dy', 'FMDay, FMDDth "of" FMMonth', 'DDD IDDD D ID W WW IW J Q', 'CC Y,YYY YYY YY Y IYYY IYY IY I',
        'HH HH12 HH24 MI SS MS US FF1 FF2 FF3 FF4 FF5 FF6', 'SSSS SSSSS', 'am pm a.m. p.m. AM PM A.M. P.M.', 'BC AD bc ad B.C. A.D.',
        'TZ tz OF TZH:TZM', 'RM rm FMRM', 'DDth DDTH FMDDth MMth', '"YYYY" YYYY \\"x', 'YYYY/MM/DD"T"HH24:MI:SS.US',
        'HH24hh24 mi', 'Dth', 'FMHH12:MI am', 'YYYYMMDD', 'IYYY-IW-ID']
TSV = ['2024-03-05 14:30:00.123456', '2024-01-01 00:00:00', '2021-01-03 12:00', '0044-03-15 12:00 BC', '2024-12-31 23:59:59.999999',
       '12345-06-07 08:09:10', 'infinity']
for f in FMTS:
    for t in TSV:
        add('to_char_ts', 'UTC', t, f)
for tz in ['Europe/Rome', 'America/New_York', 'Asia/Kolkata', 'Asia/Kathmandu', 'UTC+3', '+02:00', 'America/St_Johns']:
    for f in ['YYYY-MM-DD HH24:MI:SS TZ OF', 'TZH:TZM tz', 'FMOF']:
        for t in ['2024-03-05 14:30:00+00', '2024-07-05 14:30:00+00']:
            add('to_char_tstz', tz, t, f)
for f in ['HH24:MI:SS', 'YYYY MM DD HH24 HH12 MI SS MS US AM', 'FMHH24 "hours"', 'DD "days" HH24:MI', 'SSSS']:
    for iv in ['1 year 2 mons 3 days 04:05:06.5', '-1 year -2 mons 100:00:01.5', '00:00:00', '25:00:00', '-00:30']:
        add('to_char_iv', 'UTC', iv, f)
for s, f in [('2024-03-05', 'YYYY-MM-DD'), ('05 Mar 2024', 'DD Mon YYYY'), ('5 March 2024', 'DD Month YYYY'),
             ('2024-02-30', 'YYYY-MM-DD'), ('2024-Foo-01', 'YYYY-Mon-DD'), ('20x4-01-01', 'YYYY-MM-DD'),
             ('05', 'DD'), ('20240305', 'YYYYMMDD'), ('2024 03 05', 'YYYY-MM-DD'), ('24-03-05', 'YY-MM-DD'),
             ('99-03-05', 'YY-MM-DD'), ('2024-065', 'YYYY-DDD'), ('2460375', 'J'), ('0044-03-15 BC', 'YYYY-MM-DD BC'),
             ('march 5, 2024', 'month DD, YYYY'), ('Tuesday 05 03 2024', 'Day DD MM YYYY'), ('2024-III-05', 'YYYY-RM-DD'),
             ('2024-13-01', 'YYYY-MM-DD'), ('2,024-03-05', 'Y,YYY-MM-DD'), ('5th March 2024', 'DDth Month YYYY')]:
    add('to_date', 'UTC', s, f)
for tz in ['UTC', 'Europe/Rome', 'America/New_York']:
    for s, f in [('2024-03-05 14:30:00', 'YYYY-MM-DD HH24:MI:SS'), ('2024-03-05 02:30:00 PM', 'YYYY-MM-DD HH12:MI:SS AM'),
                 ('2024-03-05 12:30 AM', 'YYYY-MM-DD HH:MI AM'), ('13:00 PM', 'HH12:MI AM'),
                 ('2024-03-05 14:30:00.5 +02', 'YYYY-MM-DD HH24:MI:SS.MS TZH'), ('2024-03-05 14:30 -05:30', 'YYYY-MM-DD HH24:MI TZH:TZM'),
                 ('2024-03-05 14:30:00.123456', 'YYYY-MM-DD HH24:MI:SS.US'), ('2024-03-31 02:30', 'YYYY-MM-DD HH24:MI'),
                 ('2024-10-27 02:30', 'YYYY-MM-DD HH24:MI'), ('2024-03-10 02:30', 'YYYY-MM-DD HH24:MI'), ('24:00', 'HH24:MI'),
                 ('25:00', 'HH24:MI'), ('2024-03-05 52200', 'YYYY-MM-DD SSSS'), ('20240305143000', 'YYYYMMDDHH24MISS'),
                 ('2024-03-05 14:30:00.12', 'YYYY-MM-DD HH24:MI:SS.FF2'), ('2024-03-05T14:30', 'YYYY-MM-DD"T"HH24:MI')]:
        add('to_ts_fmt', tz, s, f)
