// Form definitions and the answers' validation (online filing, issue 5).

import { describe, expect, it } from 'vitest';

import { APPLICANT, FORMS, activeQuestions, dateMessage, displayDate, formFor, isoDate, parseDate, validate } from './forms';

const today = new Date(2026, 10, 23);

describe('forms', () => {
  it('ships the four procedures of the issue and a generic form for the rest', () => {
    expect(FORMS.map((f) => f.code).sort()).toEqual(['1.000894', '1.001193', '1.001612', '1.004873']);
    const generic = formFor('2.000815', 'Chứng thực bản sao');
    expect(generic.questions.map((q) => q.id)).toEqual(['request']);
    expect(generic.title.vi).toBe('Chứng thực bản sao');
  });

  it('question ids are unique in every form, labels are NFC in both languages', () => {
    for (const f of FORMS) {
      const ids = [...APPLICANT, ...f.questions].map((q) => q.id);
      expect(new Set(ids).size).toBe(ids.length);
      for (const q of f.questions) {
        expect(q.label.vi).toBe(q.label.vi.normalize('NFC'));
        expect(q.label.en.length).toBeGreaterThan(0);
        if (q.kind === 'choice') expect(q.choices?.length).toBeGreaterThan(1);
      }
    }
  });

  it('conditional questions appear only when their condition holds', () => {
    const ks = formFor('1.001193', '');
    const without = activeQuestions(ks, { has_father: 'no' }).map((q) => q.id);
    const withFather = activeQuestions(ks, { has_father: 'yes' }).map((q) => q.id);
    expect(without).not.toContain('father_name');
    expect(withFather).toContain('father_name');
    expect(withFather).toContain('father_id');
    expect(withFather.slice(0, APPLICANT.length)).toEqual(APPLICANT.map((q) => q.id));
  });
});

describe('validation', () => {
  const ask = (kind: Parameters<typeof validate>[0]['kind'], extra = {}) => ({
    id: 'x',
    kind,
    label: { vi: 'x', en: 'x' },
    required: true,
    ...extra,
  });

  it('dates are real, day/month/year, not in the future', () => {
    expect(parseDate('29/02/2024', today)).toEqual({ y: 2024, m: 2, d: 29 });
    expect(parseDate('29/02/2025', today)).toBeNull();
    expect(parseDate('31/04/2020', today)).toBeNull();
    expect(parseDate('24/11/2026', today)).toBeNull();
    expect(parseDate('5-11-2026', today)).toEqual({ y: 2026, m: 11, d: 5 });
    expect(parseDate('2026-11-05', today)).toBeNull();
    // The eight digits of the ID card's dates, as typed on the digit pad.
    expect(parseDate('05112026', today)).toEqual({ y: 2026, m: 11, d: 5 });
    expect(parseDate('31042020', today)).toBeNull();
    expect(parseDate('5112026', today)).toBeNull();
    expect(isoDate('05/11/2020')).toBe('2020-11-05');
    expect(displayDate('1990-03-07')).toBe('07/03/1990');
  });

  it('says how to fix each kind of wrong answer, in both languages', () => {
    const cases: [ReturnType<typeof ask>, string][] = [
      [ask('id_number'), '12345678901'],
      [ask('id_number'), '0010900123a5'],
      [ask('phone'), '091234567'],
      [ask('phone'), '84912345678'],
      [ask('number'), 'ba'],
      [ask('date'), '31/13/2000'],
      [ask('text', { max: 5 }), 'Nguyễn Văn A'],
      [ask('choice', { choices: [{ value: 'a', label: { vi: 'a', en: 'a' } }] }), 'b'],
      [ask('text'), '   '],
    ];
    for (const [q, v] of cases) {
      const err = validate(q, v);
      expect(err, `${q.kind} ${v}`).not.toBeNull();
      expect(err?.vi.length).toBeGreaterThan(10);
      expect(err?.en.length).toBeGreaterThan(10);
    }
  });

  it('a day the month does not have gets its own message, not "type it as day/month/year"', () => {
    const today = new Date(2026, 11, 2);
    expect(dateMessage('31/02/2020', today)?.vi).toBe('Tháng 2/2020 không có ngày 31 (tháng này có 29 ngày). Kiểm tra lại ngày.');
    expect(dateMessage('29/02/2023', today)?.en).toContain('has no day 29 (it has 28 days)');
    expect(dateMessage('31/04/2001', today)?.vi).toContain('có 30 ngày');
    expect(dateMessage('00/04/2001', today)?.vi).toContain('không có ngày 0');
    expect(dateMessage('12/13/2000', today)?.vi).toContain('Không có tháng 13');
    expect(dateMessage('03/12/2026', today)?.vi).toContain('chưa tới');
    expect(dateMessage('01/01/1899', today)?.vi).toContain('1900');
    expect(dateMessage('ba/02/2000', today)?.vi).toContain('ngày/tháng/năm');
    expect(dateMessage('02/12/2026', today)).toBeNull();
    expect(dateMessage('29/02/2024', today)).toBeNull();
  });

  it('accepts good answers', () => {
    expect(validate(ask('id_number'), '001090012345')).toBeNull();
    expect(validate(ask('phone'), '0912 345 678')).toBeNull();
    expect(validate(ask('number'), '50.000.000')).toBeNull();
    expect(validate(ask('date'), '07/03/1990')).toBeNull();
    expect(validate(ask('text', { required: false }), '')).toBeNull();
  });
});
