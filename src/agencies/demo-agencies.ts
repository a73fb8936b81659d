// The offices named in the district document the project started from (雨湖区2017年政务公开工作要点), with
// plausible contact data, loaded into an empty database unless DEMO_DATA=0.
import type { agencies } from '../db/schema.js';

type NewAgency = typeof agencies.$inferInsert;

const HOURS = '周一至周五（法定节假日除外）上午8:30—12:00，下午14:30—17:30';
const DISTRICT_GOVERNMENT = '湘潭市雨湖区人民政府';
const DISTRICT_COURT = '湘潭市雨湖区人民法院';

function department(slug: string, name: string, shortName: string, office: string, floor: string, phoneTail: string): NewAgency {
  return {
    slug,
    code: slug.toUpperCase(),
    name: `湘潭市雨湖区${name}`,
    shortName,
    kind: 'department',
    officeName: office,
    address: `湖南省湘潭市雨湖区韶山西路197号区政府大楼${floor}`,
    postcode: '411100',
    officeHours: HOURS,
    phone: `0731-5232${phoneTail}`,
    fax: `0731-5232${String(Number(phoneTail) + 1).padStart(4, '0')}`,
    email: `yh${slug}@xtyh.gov.cn`,
    website: `http://www.xtyh.gov.cn/${slug}/`,
    reviewBody: DISTRICT_GOVERNMENT,
    court: DISTRICT_COURT,
  };
}

export const DEMO_AGENCIES: NewAgency[] = [
  {
    slug: 'qzfb',
    code: 'QZFB',
    name: '湘潭市雨湖区人民政府办公室',
    shortName: '雨政办',
    kind: 'government',
    officeName: '雨湖区人民政府办公室政务公开股',
    address: '湖南省湘潭市雨湖区韶山西路197号区政府大楼3楼',
    postcode: '411100',
    officeHours: HOURS,
    phone: '0731-52325001',
    fax: '0731-52325002',
    email: 'yhzwgk@xtyh.gov.cn',
    website: 'http://www.xtyh.gov.cn/',
    // The office answers in its own name (its letters are numbered 雨政办…), so it is the one
    // reviewed and sued, not the district government: an office a government designates for its OGI
    // work and that acts in its own name is the defendant (法释〔2021〕5号 art. 6), and as a working
    // department of the district government it is reviewed by that government (行政复议法 2023
    // art. 24(1)(1)) and sued at the basic-level court. A letter issued in the district government's
    // own name would instead go to the city government and the intermediate court (art. 24(1)(2);
    // 行政诉讼法 art. 15(1)).
    reviewBody: DISTRICT_GOVERNMENT,
    court: DISTRICT_COURT,
  },
  department('fgj', '发展和改革局', '雨发改', '区发改局办公室', '5楼', '5101'),
  department('czj', '财政局', '雨财', '区财政局办公室', '6楼', '5201'),
  {
    ...department('zwzx', '政务服务中心', '雨政务', '区政务服务中心政务公开科', '1楼', '5091'),
    address: '湖南省湘潭市雨湖区韶山西路197号区政务服务中心大厅',
  },
  department('bb', '机构编制委员会办公室', '雨编办', '区编办综合股', '4楼', '5301'),
  department('mzj', '民政局', '雨民政', '区民政局办公室', '7楼', '5401'),
  department('rsj', '人力资源和社会保障局', '雨人社', '区人社局办公室', '8楼', '5501'),
  department('zjj', '住房和城乡建设局', '雨住建', '区住建局办公室', '9楼', '5601'),
  department('hbj', '环境保护局', '雨环保', '区环保局办公室', '10楼', '5701'),
  department('jyj', '教育局', '雨教', '区教育局办公室', '11楼', '5801'),
  department('wjj', '卫生和计划生育局', '雨卫计', '区卫计局办公室', '12楼', '5901'),
  department('syjj', '食品药品监督管理局', '雨食药监', '区食药监局办公室', '13楼', '6001'),
  department('sjj', '审计局', '雨审计', '区审计局办公室', '14楼', '6101'),
  department('nlj', '农林局', '雨农林', '区农林局办公室', '15楼', '6201'),
  department('swj', '水务局', '雨水务', '区水务局办公室', '16楼', '6301'),
];
