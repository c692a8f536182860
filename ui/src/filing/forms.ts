// Form definitions for online filing: one question per screen (GOV.UK "one thing per page"),
// generated from these definitions. Four procedures have their own form, after the official
// declaration forms (tờ khai); any other procedure with an online channel gets the generic one.
//
// Answers are strings as typed or chosen; `validate` says how to fix a wrong one, in both
// languages. Questions can be prefilled from the signed-in citizen's profile or a scanned CCCD.

import type { Text } from '../i18n';

export type Kind = 'text' | 'date' | 'choice' | 'id_number' | 'phone' | 'number' | 'year';

/** Where a question's default comes from (the citizen's profile, from VNeID or the CCCD). */
export type Prefill = 'full_name' | 'date_of_birth' | 'gender' | 'id_number' | 'address' | 'phone';

export interface Choice {
  value: string;
  label: Text;
}

export interface Question {
  id: string;
  kind: Kind;
  label: Text;
  hint?: Text;
  required: boolean;
  choices?: Choice[];
  prefill?: Prefill;
  /** Asked only when another answer has this value. */
  when?: { id: string; equals: string };
  /** Longest answer, in characters. */
  max?: number;
  /** Text answers: capitalise each word (names) rather than the first letter only. */
  capitalize?: 'words' | 'sentence';
}

export interface FormDef {
  code: string;
  title: Text;
  questions: Question[];
}

const GENDER: Choice[] = [
  { value: 'Nam', label: { vi: 'Nam', en: 'Male' } },
  { value: 'Nữ', label: { vi: 'Nữ', en: 'Female' } },
];

const YES_NO: Choice[] = [
  { value: 'yes', label: { vi: 'Có', en: 'Yes' } },
  { value: 'no', label: { vi: 'Không', en: 'No' } },
];

const q = (id: string, kind: Kind, vi: string, en: string, more: Partial<Question> = {}): Question => ({
  id,
  kind,
  label: { vi, en },
  required: true,
  ...more,
});

const hint = (vi: string, en: string): Text => ({ vi, en });

/** Đăng ký khai sinh (1.001193), after the Tờ khai đăng ký khai sinh. */
const KHAI_SINH: FormDef = {
  code: '1.001193',
  title: { vi: 'Đăng ký khai sinh', en: 'Birth registration' },
  questions: [
    q('relationship', 'choice', 'Quan hệ với trẻ', 'How are you related to the child?', {
      choices: [
        { value: 'Mẹ', label: { vi: 'Mẹ', en: 'Mother' } },
        { value: 'Cha', label: { vi: 'Cha', en: 'Father' } },
        { value: 'Ông/Bà', label: { vi: 'Ông hoặc bà', en: 'Grandparent' } },
        { value: 'Người thân khác', label: { vi: 'Người thân khác', en: 'Other relative' } },
      ],
    }),
    q('child_name', 'text', 'Họ, chữ đệm và tên của trẻ', "The child's full name", {
      hint: hint('Viết đầy đủ, ví dụ: Nguyễn Minh An', 'In full, for example: Nguyễn Minh An'),
      max: 100, capitalize: 'words',
    }),
    q('child_birth_date', 'date', 'Ngày, tháng, năm sinh của trẻ', "The child's date of birth", {
      hint: hint('Ngày/tháng/năm, ví dụ: 05/11/2026', 'Day/month/year, for example: 05/11/2026'),
    }),
    q('child_gender', 'choice', 'Giới tính của trẻ', "The child's sex", { choices: GENDER }),
    q('child_birth_place', 'text', 'Nơi sinh của trẻ', 'Place of birth', {
      hint: hint('Tên cơ sở y tế, hoặc xã/phường, tỉnh/thành phố', 'Hospital, or commune and province'),
      max: 200,
    }),
    q('child_ethnicity', 'text', 'Dân tộc của trẻ', "The child's ethnic group", {
      hint: hint('Ví dụ: Kinh', 'For example: Kinh'),
      max: 40,
    }),
    q('mother_name', 'text', 'Họ, chữ đệm và tên của mẹ', "The mother's full name", { max: 100, capitalize: 'words' }),
    q('mother_id', 'id_number', 'Số định danh cá nhân của mẹ', "The mother's personal ID number", {
      hint: hint('12 chữ số trên căn cước', 'The 12 digits on the ID card'),
    }),
    q('has_father', 'choice', 'Có khai thông tin người cha không?', "Will you give the father's details?", {
      choices: YES_NO,
    }),
    q('father_name', 'text', 'Họ, chữ đệm và tên của cha', "The father's full name", {
      when: { id: 'has_father', equals: 'yes' },
      max: 100, capitalize: 'words',
    }),
    q('father_id', 'id_number', 'Số định danh cá nhân của cha', "The father's personal ID number", {
      when: { id: 'has_father', equals: 'yes' },
      hint: hint('12 chữ số trên căn cước', 'The 12 digits on the ID card'),
    }),
  ],
};

/** Đăng ký kết hôn (1.000894), after the Tờ khai đăng ký kết hôn. */
const KET_HON: FormDef = {
  code: '1.000894',
  title: { vi: 'Đăng ký kết hôn', en: 'Marriage registration' },
  questions: [
    q('partner_name', 'text', 'Họ, chữ đệm và tên của người kết hôn cùng', 'Full name of the person you marry', { max: 100, capitalize: 'words' }),
    q('partner_birth_date', 'date', 'Ngày sinh của người ấy', 'Their date of birth', {
      hint: hint('Ngày/tháng/năm, ví dụ: 20/03/1998', 'Day/month/year, for example: 20/03/1998'),
    }),
    q('partner_id', 'id_number', 'Số định danh cá nhân của người ấy', 'Their personal ID number', {
      hint: hint('12 chữ số trên căn cước', 'The 12 digits on the ID card'),
    }),
    q('partner_ethnicity', 'text', 'Dân tộc của người ấy', 'Their ethnic group', { max: 40 }),
    q('partner_residence', 'text', 'Nơi cư trú của người ấy', 'Where they live', { max: 200 }),
    q('marriage_count', 'choice', 'Đây là lần kết hôn thứ mấy?', 'Is this your first marriage?', {
      choices: [
        { value: '1', label: { vi: 'Lần đầu', en: 'First' } },
        { value: '2+', label: { vi: 'Lần thứ hai trở lên', en: 'Second or later' } },
      ],
    }),
  ],
};

/** Cấp Giấy xác nhận tình trạng hôn nhân (1.004873). */
const TINH_TRANG_HON_NHAN: FormDef = {
  code: '1.004873',
  title: { vi: 'Xác nhận tình trạng hôn nhân', en: 'Certificate of marital status' },
  questions: [
    q('marital_status', 'choice', 'Tình trạng hôn nhân hiện nay', 'Your marital status now', {
      choices: [
        { value: 'Chưa đăng ký kết hôn với ai', label: { vi: 'Chưa kết hôn', en: 'Never married' } },
        { value: 'Đang có vợ/chồng', label: { vi: 'Đang có vợ hoặc chồng', en: 'Married' } },
        { value: 'Đã ly hôn', label: { vi: 'Đã ly hôn', en: 'Divorced' } },
        { value: 'Vợ/chồng đã chết', label: { vi: 'Vợ hoặc chồng đã mất', en: 'Widowed' } },
      ],
    }),
    q('purpose', 'text', 'Giấy xác nhận dùng để làm gì?', 'What is the certificate for?', {
      hint: hint('Ví dụ: để đăng ký kết hôn, để mua bán nhà đất', 'For example: to marry, to buy land'),
      max: 200,
    }),
    q('copies', 'number', 'Số bản cần cấp', 'How many copies', {
      hint: hint('Từ 1 đến 10', 'From 1 to 10'),
    }),
  ],
};

/** Đăng ký thành lập hộ kinh doanh (1.001612). */
const HO_KINH_DOANH: FormDef = {
  code: '1.001612',
  title: { vi: 'Đăng ký thành lập hộ kinh doanh', en: 'Household business registration' },
  questions: [
    q('business_name', 'text', 'Tên hộ kinh doanh', 'Name of the business', {
      hint: hint('Bắt đầu bằng "Hộ kinh doanh", ví dụ: Hộ kinh doanh Hoa Mai', 'Starts with "Hộ kinh doanh"'),
      max: 120,
    }),
    q('business_address', 'text', 'Địa chỉ kinh doanh', 'Business address', { max: 200 }),
    q('business_lines', 'text', 'Ngành, nghề kinh doanh', 'Lines of business', {
      hint: hint('Ví dụ: bán lẻ tạp hóa; ăn uống', 'For example: grocery; food and drink'),
      max: 300,
    }),
    q('capital_vnd', 'number', 'Vốn kinh doanh (đồng)', 'Capital (VND)', {
      hint: hint('Chỉ nhập số, ví dụ: 50000000', 'Digits only, for example: 50000000'),
    }),
    q('employees', 'number', 'Số lao động', 'Number of workers', { hint: hint('Kể cả chủ hộ', 'Including the owner') }),
  ],
};

/** Any other procedure: what the citizen asks for, in their words. */
export function genericForm(code: string, name: string): FormDef {
  return {
    code,
    title: { vi: name, en: name },
    questions: [
      q('request', 'text', 'Đề nghị cơ quan giải quyết việc gì?', 'What do you ask the office to do?', {
        hint: hint('Viết ngắn gọn, cán bộ sẽ liên hệ nếu cần thêm', 'Keep it short; staff will call if they need more'),
        max: 500,
      }),
    ],
  };
}

export const FORMS: readonly FormDef[] = [KHAI_SINH, KET_HON, TINH_TRANG_HON_NHAN, HO_KINH_DOANH];

/** The questions every filing asks first: who files (prefilled from VNeID), how to reach them. */
export const APPLICANT: readonly Question[] = [
  q('applicant_name', 'text', 'Họ, chữ đệm và tên người nộp', 'Your full name', { prefill: 'full_name', max: 100, capitalize: 'words' }),
  q('applicant_id', 'id_number', 'Số định danh cá nhân người nộp', 'Your personal ID number', {
    prefill: 'id_number',
    hint: hint('12 chữ số trên căn cước', 'The 12 digits on the ID card'),
  }),
  q('applicant_birth_date', 'date', 'Ngày sinh người nộp', 'Your date of birth', { prefill: 'date_of_birth' }),
  q('applicant_address', 'text', 'Nơi cư trú người nộp', 'Where you live', { prefill: 'address', max: 200 }),
  q('applicant_phone', 'phone', 'Số điện thoại để cán bộ liên hệ', 'A phone number staff can call', {
    prefill: 'phone',
    hint: hint('10 chữ số, ví dụ: 0912345678', '10 digits, for example: 0912345678'),
  }),
];

export function formFor(code: string, name: string): FormDef {
  return FORMS.find((f) => f.code === code) ?? genericForm(code, name);
}

/** The questions to ask now, given the answers so far (conditions applied). */
export function activeQuestions(def: FormDef, answers: Readonly<Partial<Record<string, string>>>): Question[] {
  return [...APPLICANT, ...def.questions].filter((x) => !x.when || answers[x.when.id] === x.when.equals);
}

// ---------------------------------------------------------------- validation

/**
 * A real calendar date typed as dd/mm/yyyy (also d/m/yyyy, dashes or dots, or the eight digits
 * ddmmyyyy as on the ID card), not in the future.
 */
export function parseDate(s: string, today: Date = new Date()): { y: number; m: number; d: number } | null {
  const r = readDate(s, today);
  return 'problem' in r ? null : r;
}

/** What is wrong with a typed date, each with its own message ("31/02" is not a shape error). */
export type DateProblem = 'shape' | 'month' | 'no-such-day' | 'before-1900' | 'future';

function readDate(s: string, today: Date): { y: number; m: number; d: number } | { problem: DateProblem; m?: number; d?: number; y?: number } {
  const m = /^\s*(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})\s*$/.exec(s) ?? /^\s*(\d{2})(\d{2})(\d{4})\s*$/.exec(s);
  if (!m) return { problem: 'shape' };
  const [d, mo, y] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (mo < 1 || mo > 12) return { problem: 'month', m: mo };
  const dt = new Date(Date.UTC(y, mo - 1, d));
  if (d < 1 || dt.getUTCFullYear() !== y || dt.getUTCMonth() !== mo - 1 || dt.getUTCDate() !== d) {
    return { problem: 'no-such-day', d, m: mo, y };
  }
  if (y < 1900) return { problem: 'before-1900' };
  if (dt.getTime() > Date.UTC(today.getFullYear(), today.getMonth(), today.getDate())) return { problem: 'future' };
  return { y, m: mo, d };
}

/** The message for a typed date that is not a real past date, or null when it is one. */
export function dateMessage(s: string, today: Date = new Date()): Text | null {
  const r = readDate(s, today);
  if (!('problem' in r)) return null;
  switch (r.problem) {
    case 'shape':
      return {
        vi: 'Nhập ngày theo dạng ngày/tháng/năm, ví dụ 05/11/2026.',
        en: 'Type the date as day/month/year, for example 05/11/2026.',
      };
    case 'month':
      return {
        vi: `Không có tháng ${String(r.m)}: tháng từ 1 đến 12. Kiểm tra lại.`,
        en: `There is no month ${String(r.m)}: months go from 1 to 12. Check it again.`,
      };
    case 'no-such-day': {
      const days = new Date(Date.UTC(r.y ?? 2000, r.m ?? 1, 0)).getUTCDate();
      return {
        vi: `Tháng ${String(r.m)}/${String(r.y)} không có ngày ${String(r.d)} (tháng này có ${String(days)} ngày). Kiểm tra lại ngày.`,
        en: `Month ${String(r.m)}/${String(r.y)} has no day ${String(r.d)} (it has ${String(days)} days). Check the day again.`,
      };
    }
    case 'before-1900':
      return { vi: 'Năm phải từ 1900 trở đi. Kiểm tra lại năm.', en: 'The year must be 1900 or later. Check the year.' };
    case 'future':
      return { vi: 'Ngày này chưa tới: không được sau hôm nay.', en: 'That date has not come yet: it cannot be after today.' };
  }
}

/** `YYYY-MM-DD` of a typed date (the wire form), or null. */
export function isoDate(s: string): string | null {
  const p = parseDate(s);
  if (!p) return null;
  return `${String(p.y)}-${String(p.m).padStart(2, '0')}-${String(p.d).padStart(2, '0')}`;
}

/** `dd/mm/yyyy` of a `YYYY-MM-DD` (a prefilled date as the citizen reads it). */
export function displayDate(iso: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  return m ? `${m[3]}/${m[2]}/${m[1]}` : iso;
}

/** What is wrong with an answer and how to fix it; null when it is fine. */
export function validate(question: Question, raw: string): Text | null {
  const v = raw.normalize('NFC').trim();
  if (v === '') {
    return question.required
      ? { vi: 'Vui lòng trả lời câu hỏi này để đi tiếp.', en: 'Please answer this question to go on.' }
      : null;
  }
  if (question.max !== undefined && v.length > question.max) {
    return {
      vi: `Câu trả lời dài quá: tối đa ${String(question.max)} ký tự.`,
      en: `That is too long: at most ${String(question.max)} characters.`,
    };
  }
  switch (question.kind) {
    case 'date':
      return dateMessage(v);
    case 'id_number':
      return /^\d{12}$/.test(v)
        ? null
        : {
            vi: 'Số định danh gồm đúng 12 chữ số. Kiểm tra lại trên căn cước.',
            en: 'The ID number has exactly 12 digits. Check it on the ID card.',
          };
    case 'phone':
      return /^0\d{9}$/.test(v.replace(/[\s.]/g, ''))
        ? null
        : {
            vi: 'Số điện thoại gồm 10 chữ số và bắt đầu bằng 0, ví dụ 0912345678.',
            en: 'The phone number has 10 digits and starts with 0, for example 0912345678.',
          };
    case 'number':
      return /^\d{1,15}$/.test(v.replace(/[\s.]/g, ''))
        ? null
        : { vi: 'Chỉ nhập chữ số, ví dụ 3.', en: 'Type digits only, for example 3.' };
    case 'year':
      return /^(19|20)\d{2}$/.test(v) ? null : { vi: 'Nhập năm gồm 4 chữ số, ví dụ 1990.', en: 'Type a 4-digit year, for example 1990.' };
    case 'choice':
      return question.choices?.some((c) => c.value === v)
        ? null
        : { vi: 'Vui lòng chọn một trong các câu trả lời.', en: 'Please choose one of the answers.' };
    case 'text':
      return null;
  }
}
