//! Invented places and people: believable, but no real school, town or person.

pub const LOCAL_AUTHORITY: &str = "Wealdshire County Council";
pub const REGION: &str = "South East";
pub const LA_CODE: u16 = 990;

/// Each locality is named after its main town, with the villages around it.
pub const LOCALITIES: [(&str, [&str; 26]); 8] = [
    ("Ashbourne Vale", ["Ashbourne", "Ashcombe", "Barrowden", "Bishops Lydd", "Coldharbour", "Dene End", "Eastling", "Foxhole", "Gatesbury", "Hadlow Cross", "Ivybridge Green", "Kemsworth", "Larkfield", "Maple Cross", "Netherby", "Oakhanger", "Pennington", "Quarry Hill", "Ringmer Vale", "Stonecrop", "Thornbury Common", "Upper Ashbourne", "Wickhurst", "Yeoford", "Ashbourne St Mary", "Ashbourne Park"]),
    ("Brindleford", ["Brindleford", "Abbotsley", "Blackmoor", "Carrow Down", "Dunsfold Green", "Elmstead", "Fairlight Cross", "Goldhanger", "Hartwell", "Ickleton", "Kingsmead", "Lowfield", "Marden Ash", "Northwold", "Orchard Leigh", "Pelham Green", "Rookley", "Sandhurst Vale", "Tilbury Green", "Underhill", "Wadhurst Common", "Yarrow", "Brindleford Park", "Brindleford St John", "Chalkpit", "Dovecote"]),
    ("Castlemere", ["Castlemere", "Ambridge Hill", "Beckley", "Chilcombe", "Draycott", "Elsworth", "Fernhurst", "Graffham", "Hambledon Vale", "Itchenor", "Kingsclere Down", "Lurgashall", "Milland", "Nutbourne", "Oving", "Petworth Common", "Rudgwick", "Selham", "Tillington", "Upwaltham", "West Dean", "Yapton", "Castlemere Park", "Castlemere Castle Hill", "Bosham Green", "Cocking"]),
    ("Dunholt", ["Dunholt", "Alfriston Down", "Bodle Street", "Cowbeech", "Dallington", "East Hoathly", "Firle", "Glynde", "Herstmonceux Green", "Isfield", "Laughton", "Magham Down", "Ninfield", "Old Heathfield", "Piltdown", "Ripe", "Selmeston", "Tarring Neville", "Upper Dicker", "Warbleton", "Wilmington", "Dunholt Meads", "Dunholt Hill", "Berwick Vale", "Chiddingly", "Hellingly"]),
    ("Eastwick", ["Eastwick", "Aldington", "Bilsington", "Brookland", "Challock", "Dymchurch Vale", "Egerton Forstal", "Fairfield", "Great Chart", "High Halden", "Ivychurch", "Kenardington", "Lydden", "Mersham", "Newchurch", "Orlestone", "Pluckley", "Ruckinge", "Smeeth", "Tenterden Vale", "Warehorne", "Woodchurch", "Eastwick Harbour", "Eastwick Central", "Bethersden", "Hothfield"]),
    ("Fernley", ["Fernley", "Amberley", "Bury Hill", "Clapham Vale", "Durrington Green", "Ferring", "Findon", "Goring Hill", "Houghton", "Kithurst", "Lyminster", "Muntham", "Nepcote", "Offington", "Patching", "Poling", "Rustington Vale", "Sompting", "Storrington", "Sullington", "Washington Green", "Wiston", "Fernley Hill", "Fernley Wharf", "Angmering Park", "Burpham"]),
    ("Greyhaven", ["Greyhaven", "Aldworth", "Bucklebury", "Chieveley", "Compton Down", "Donnington", "East Ilsley", "Frilsham", "Hampstead Norreys", "Hermitage", "Leckhampstead", "Marlston", "Peasemore", "Stanford Dingley", "Upper Basildon", "Winterbourne", "Yattendon", "Greyhaven North", "Greyhaven South", "Greyhaven Quay", "Boxford", "Brightwalton", "Beedon", "Catmore", "Farnborough Down", "Ashampstead"]),
    ("Hollowmoor", ["Hollowmoor", "Ashmansworth", "Burghclere", "Crux Easton", "Ecchinswell", "Faccombe", "Highclere Vale", "Hurstbourne", "Kingsclere", "Linkenholt", "Litchfield", "Newtown Common", "Overton Vale", "Sydmonton", "Tufton", "Vernham Dean", "Whitchurch Vale", "Woolton Hill", "Hollowmoor Green", "Hollowmoor Road", "Ibworth", "Ewhurst", "Plastow Green", "Wolverton", "Baughurst", "Ramsdell"]),
];

pub const SAINTS: [&str; 14] = [
    "Andrew", "Bartholomew", "Catherine", "Edmund", "Francis", "George", "Joseph", "Lawrence", "Margaret",
    "Michael", "Nicholas", "Peter", "Thomas", "Mary",
];

pub const SPECIAL_SCHOOL_NAMES: [&str; 14] = [
    "Oakfield School", "Beacon Hill School", "Riverside School", "Hawthorns School", "Meadowbrook School",
    "The Willows School", "Brook Green School", "Highfield School", "Cedars School", "Foxwood School",
    "Linden Lodge School", "Orchard School", "Springfield School", "Heathside School",
];

pub const TRUSTS: [&str; 8] = [
    "Weald Learning Partnership",
    "Chalk Downs Academy Trust",
    "Meridian Schools Trust",
    "Harbour Education Trust",
    "Vale Academies",
    "Diocese of Wealdminster Academy Trust",
    "Bright Futures Multi-Academy Trust",
    "Castle Learning Trust",
];

pub const CHURCH_OF_ENGLAND_DIOCESE: &str = "Diocese of Wealdminster";
pub const CATHOLIC_DIOCESE: &str = "Roman Catholic Diocese of St Aldhelm";

pub const FIRST_NAMES: [&str; 40] = [
    "Alison", "Amir", "Andrew", "Anita", "Ben", "Bridget", "Catherine", "Chris", "Claire", "Daniel", "David",
    "Deborah", "Emma", "Fiona", "Gareth", "Grace", "Hannah", "Ian", "Imran", "Jane", "Joanne", "Jonathan",
    "Karen", "Kwame", "Laura", "Lucy", "Mark", "Martin", "Michelle", "Neil", "Nicola", "Paul", "Rachel",
    "Richard", "Ruth", "Sarah", "Simon", "Sunita", "Tom", "Victoria",
];

pub const SURNAMES: [&str; 40] = [
    "Ahmed", "Allen", "Bailey", "Bennett", "Brooks", "Campbell", "Carter", "Clarke", "Davies", "Edwards",
    "Evans", "Fisher", "Foster", "Green", "Hall", "Harris", "Hughes", "Jackson", "James", "Kaur", "Khan",
    "King", "Lewis", "Marsh", "Mitchell", "Morgan", "Murphy", "Nowak", "Owen", "Patel", "Price", "Reid",
    "Roberts", "Shaw", "Singh", "Taylor", "Turner", "Walker", "Ward", "Wright",
];
