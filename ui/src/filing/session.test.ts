import { describe, expect, it } from 'vitest';
import { checklistFrom, isConditional } from './session';

// Items of 1.001193 (Đăng ký khai sinh) and 1.001612 as the national data lists them.
const KHAI_SINH = [
  { name: 'Trường hợp trẻ em bị bỏ rơi thì phải có biên bản về việc trẻ bị bỏ rơi do cơ quan có thẩm quyền lập.', originals: 1, copies: 0 },
  { name: 'Văn bản ủy quyền (được chứng thực) theo quy định của pháp luật trong trường hợp ủy quyền thực hiện việc đăng ký khai sinh.', originals: 1, copies: 0 },
  { name: 'Giấy chứng sinh; trường hợp không có Giấy chứng sinh thì nộp văn bản của người làm chứng xác nhận về việc sinh', originals: 1, copies: 0 },
  { name: 'Đối với việc xác định họ, dân tộc, quê quán, đặt tên cho trẻ:', originals: 0, copies: 0 },
  { name: '+ Người tiếp nhận có trách nhiệm tiếp nhận đúng, đủ hồ sơ đăng ký hộ tịch', originals: 0, copies: 0 },
  { name: 'Hộ chiếu/Thẻ căn cước công dân/Thẻ căn cước/Căn cước điện tử/Giấy chứng nhận căn cước', originals: 1, copies: 0 },
  { name: 'Tờ khai đăng ký khai sinh theo mẫu  (nếu người có yêu cầu lựa chọn nộp hồ sơ theo hình thức trực tiếp)', originals: 1, copies: 0 },
  { name: 'Mẫu hộ tịch điện tử tương tác đăng ký khai sinh (do người yêu cầu cung cấp thông tin theo hướng dẫn trên Cổng dịch vụ công, nếu người có yêu cầu lựa chọn nộp hồ sơ theo hình thức trực tuyến)', originals: 1, copies: 0 },
];

describe('the documents a citizen attaches', () => {
  it('leaves out notes and lists what everyone brings first', () => {
    const items = checklistFrom(KHAI_SINH);
    expect(items.map((d) => [d.name.slice(0, 16), d.conditional])).toEqual([
      ['Giấy chứng sinh;', false],
      ['Hộ chiếu/Thẻ căn', false],
      ['Mẫu hộ tịch điện', false],
      ['Trường hợp trẻ e', true],
      ['Văn bản ủy quyền', true],
      ['Tờ khai đăng ký ', true],
    ]);
    expect(items.every((d) => d.choice === null)).toBe(true);
  });
  it('reads the cases of numbered items and "đối với trường hợp"', () => {
    expect(isConditional('(iv) Trường hợp ủy quyền cho đơn vị cung cấp dịch vụ bưu chính')).toBe(true);
    expect(isConditional('Bản sao văn bản ủy quyền của thành viên hộ gia đình đối với trường hợp hộ kinh doanh do các thành viên')).toBe(true);
    expect(isConditional('(v) Người ủy quyền và người được ủy quyền thực hiện thủ tục đăng ký hộ kinh doanh chịu trách nhiệm')).toBe(true);
    expect(isConditional('Giấy đề nghị đăng ký hộ kinh doanh')).toBe(false);
  });
});
